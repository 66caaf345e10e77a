using Vpf.Core.Baselines;
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
            "cd" or "pcd" => CreateBaseline(method, cdSteps, architecture),
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
    public static bool BaselinesAvailable => true;

    /// <summary>
    /// CD-k (RBM) or PCD-k (RBM; a DBM gets DBM persistent CD). PCD's fantasy chains are not part of a checkpoint, so a
    /// resumed PCD run restarts its chains and is not bit-identical to an uninterrupted one.
    /// </summary>
    private static ITrainingObjective CreateBaseline(string method, int steps, Architecture architecture) =>
        method == "cd" ? new ContrastiveDivergence(new ContrastiveDivergenceOptions { Steps = steps })
        : architecture.IsRbm ? new ContrastiveDivergence(new ContrastiveDivergenceOptions { Steps = steps, Persistent = true })
        : new DbmPersistentContrastiveDivergence(new DbmPcdOptions());

    /// <summary>What the objective value K means for a method.</summary>
    public static string KMeaning(string method) => method is "cd" or "pcd"
        ? "one-step reconstruction cross-entropy (CD's monitor)"
        : "probability flow K";
}
