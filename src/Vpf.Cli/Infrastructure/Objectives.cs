using Vpf.Core.Model;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>Builds the training objective named by <c>--method</c>.</summary>
internal static class Objectives
{
    public static ITrainingObjective Create(string method, VpfOptions vpf, int cdSteps, Architecture architecture)
    {
        ITrainingObjective objective = method switch
        {
            "vpf" => new VariationalProbabilityFlow(vpf),
            "mpf-rbm" => new MpfRbm(),
            "cd" or "pcd" => CreateBaseline(method, cdSteps),
            _ => throw new UsageException("--method", $"unknown method '{method}'."),
        };
        try
        {
            objective.Validate(architecture);
        }
        catch (Vpf.Core.InvalidOptionsException e)
        {
            throw new UsageException("--method", $"{method} cannot train {architecture}: {e.Message}");
        }
        return objective;
    }

    /// <summary>Whether the CD / PCD baselines are part of this build.</summary>
    public static bool BaselinesAvailable => false;

    private static ITrainingObjective CreateBaseline(string method, int steps) =>
        throw new UsageException("--method", $"{method} needs Vpf.Core.Baselines, which this build does not include yet; use vpf or mpf-rbm.");
}
