using Vpf.Core;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>
/// The one table from a <see cref="TrainingPlan"/>'s option names (property paths, see <see cref="InvalidOptionsException.Option"/>)
/// to the flags of <c>vpf train</c>, so that Core's validation is reported in the user's terms.
/// </summary>
internal static class PlanFlags
{
    public static IReadOnlyDictionary<string, string> Table { get; } = new Dictionary<string, string>
    {
        ["layers"] = "--layers",
        ["lateral"] = "--lateral",
        ["Architecture"] = "--layers",
        ["Method"] = "--method",
        ["Method.Steps"] = "--cd-steps",
        ["Method.Options.Estimator"] = "--estimator",
        ["Method.Options.MeanFieldSweeps"] = "--sweeps",
        ["Method.Options.AllBitsFlipped"] = "--all-bits-flipped",
        ["Method.Options.GibbsSteps"] = "--cd-steps",
        ["Method.Options.PersistentSamples"] = "--persistent-samples",
        ["Method.Options.PersistentGibbsSweeps"] = "--persistent-gibbs-sweeps",
        ["Method.Options.PersistentFlowWeight"] = "--persistent-flow-weight",
        ["TrainingOptions.Epochs"] = "--epochs",
        ["TrainingOptions.BatchSize"] = "--batch-size",
        ["TrainingOptions.Seed"] = "--seed",
        ["TrainingOptions.Optimiser.Kind"] = "--optimiser",
        ["TrainingOptions.Optimiser.LearningRate"] = "--learning-rate",
        ["TrainingOptions.Optimiser.Momentum"] = "--momentum",
        ["TrainingOptions.Optimiser.WeightDecay"] = "--weight-decay",
        ["TrainingOptions.StepSchedule.Kind"] = "--step-schedule",
        ["TrainingOptions.StepSchedule.FinalFraction"] = "--final-step-fraction",
        ["TrainingOptions.StepSchedule.Clock"] = "--step-schedule-clock",
        ["TimeBudgetSeconds"] = "--time-budget",
    };

    /// <summary>The flag of a plan option; an option without a flag keeps its Core name.</summary>
    public static string Flag(string option) => Table.TryGetValue(option, out var flag) ? flag : option;

    /// <summary>Core's error as a usage error naming the flag.</summary>
    public static UsageException ToUsage(InvalidOptionsException e) => new(Flag(e.Option), e.Detail);

    /// <summary>Runs <paramref name="build"/>, turning Core's option errors into usage errors.</summary>
    public static T Checked<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (InvalidOptionsException e)
        {
            throw ToUsage(e);
        }
    }

    /// <summary>Runs <paramref name="check"/>, turning Core's option errors into usage errors.</summary>
    public static void Checked(Action check) => Checked(() => { check(); return 0; });
}
