using System.Globalization;
using System.Text;
using Vpf.Cli.Commands;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>
/// The one generator of the <c>vpf train</c> command that repeats a <see cref="TrainingPlan"/>: every flag of the plan
/// written out (method and its settings, <c>--all-bits-flipped</c> when on, architecture, <c>--visible gaussian</c> for Gaussian visible units, epochs,
/// batch, optimiser, a step schedule other than constant, centering, seed, time budget) and the data selection (<c>--data</c>, <c>--full</c> or
/// <c>--data-csv</c> with <c>--label-column</c> and <c>--csv-separator</c>, <c>--train-rows</c>, <c>--test-rows</c>); not <c>--threads</c>
/// (the same threads give the same parameters, bit for bit) nor <c>--out</c>. The model file records it,
/// <c>vpf info</c> and the report print it, and the demo's "reproduce this run" lines are it.
/// </summary>
internal static class TrainCommandLine
{
    /// <summary>
    /// The command that trains <paramref name="plan"/> again on the data <paramref name="data"/> selects, or null when
    /// the plan holds a setting no flag expresses (checked by parsing the flags back into a plan and comparing).
    /// </summary>
    public static string? For(TrainingPlan plan, CommonSettings data)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(data);
        var settings = Settings(plan, data);
        if (!Repeats(settings, plan)) return null;
        return "vpf train " + string.Join(' ', Arguments(settings).Select(Quote));
    }

    /// <summary>The settings whose flags describe <paramref name="plan"/> on <paramref name="data"/>'s data.</summary>
    private static TrainSettings Settings(TrainingPlan plan, CommonSettings data)
    {
        var a = plan.Architecture;
        var t = plan.TrainingOptions;
        var m = plan.Method.Settings;
        var lateral = Enumerable.Range(0, a.LayerCount).Where(l => a.HasLateral[l]).ToArray();
        return new TrainSettings
        {
            Layers = string.Join(',', a.LayerSizes.Select(Text)),
            Lateral = lateral.Length == 0 ? null : string.Join(',', lateral.Select(Text)),
            Visible = TrainSettings.VisibleName(a.VisibleUnits),
            Method = plan.Method.Name,
            Estimator = m.Estimator is { } e ? TrainSettings.EstimatorName(e) : null,
            Sweeps = m.MeanFieldSweeps,
            CdSteps = m.GibbsSteps,
            AllBitsFlipped = m.AllBitsFlipped == true,
            PersistentSamples = m.PersistentSamples,
            PersistentGibbsSweeps = m.PersistentGibbsSweeps,
            PersistentFlowWeight = m.PersistentFlowWeight,
            Epochs = t.Epochs,
            BatchSize = t.BatchSize,
            Optimiser = TrainSettings.OptimiserName(t.Optimiser.Kind),
            LearningRate = t.Optimiser.LearningRate,
            Momentum = t.Optimiser.Kind == Core.Training.Optimisers.OptimiserKind.SgdMomentum ? t.Optimiser.Momentum : null,
            WeightDecay = t.Optimiser.WeightDecay,
            StepSchedule = t.StepSchedule.Kind == Core.Training.Optimisers.StepScheduleKind.Constant ? null : TrainSettings.StepScheduleName(t.StepSchedule.Kind),
            FinalStepFraction = t.StepSchedule.Kind == Core.Training.Optimisers.StepScheduleKind.Constant ? null : t.StepSchedule.FinalFraction,
            StepScheduleClock = t.StepSchedule.Kind == Core.Training.Optimisers.StepScheduleKind.Constant || t.StepSchedule.Clock == Core.Training.Optimisers.StepScheduleClock.Updates
                ? null : TrainSettings.StepScheduleClockName(t.StepSchedule.Clock),
            Centering = t.Centering.Enabled ? "on" : "off",
            TimeBudget = plan.TimeBudgetSeconds,
            Seed = t.Seed,
            Data = data.Full ? null : data.Data,
            Full = data.Full,
            DataCsv = data.DataCsv,
            LabelColumn = data.LabelColumn,
            CsvSeparator = data.CsvSeparator,
            TrainRows = data.TrainRows,
            TestRows = data.TestRows,
            Inverted = data.Inverted,
        };
    }

    /// <summary>True when the flags of <paramref name="settings"/> build <paramref name="plan"/> again.</summary>
    private static bool Repeats(TrainSettings settings, TrainingPlan plan)
    {
        TrainingPlan again;
        try
        {
            again = settings.BuildPlan(plan.Architecture.VisibleSize);
        }
        catch (UsageException)
        {
            return false;
        }
        return again.Architecture.Equals(plan.Architecture) && again.Method == plan.Method && again.TrainingOptions == plan.TrainingOptions
               && again.Initialisation == plan.Initialisation && again.Pretraining == plan.Pretraining && again.HeldOutRows == plan.HeldOutRows
               && again.TimeBudgetSeconds == plan.TimeBudgetSeconds;
    }

    private static IEnumerable<string> Arguments(TrainSettings s)
    {
        var args = new List<string> { "--method", s.Method, "--layers", s.Layers };
        if (s.Lateral is not null) args.AddRange(["--lateral", s.Lateral]);
        // Binary is the default; leaving it out keeps the lines of binary models as they always were.
        if (s.Visible != "binary") args.AddRange(["--visible", s.Visible]);
        if (s.Estimator is not null) args.AddRange(["--estimator", s.Estimator]);
        if (s.Sweeps is { } sweeps) args.AddRange(["--sweeps", Text(sweeps)]);
        if (s.CdSteps is { } steps) args.AddRange(["--cd-steps", Text(steps)]);
        // Off is the default; leaving it out keeps the lines of runs without it as they always were.
        if (s.AllBitsFlipped) args.Add("--all-bits-flipped");
        // Written only when VPF's persistent-sample options differ from their defaults, so that the lines of every other
        // run stay as they were.
        var vpf = new VpfOptions();
        if (s.PersistentSamples is > 0 || (s.PersistentGibbsSweeps is { } g && g != vpf.PersistentGibbsSweeps)
            || (s.PersistentFlowWeight is { } w && w != vpf.PersistentFlowWeight))
            args.AddRange(["--persistent-samples", Text(s.PersistentSamples!.Value), "--persistent-gibbs-sweeps", Text(s.PersistentGibbsSweeps!.Value),
                "--persistent-flow-weight", Text(s.PersistentFlowWeight!.Value)]);
        args.AddRange(["--epochs", Text(s.Epochs!.Value), "--batch-size", Text(s.BatchSize!.Value), "--optimiser", s.Optimiser!,
            "--learning-rate", Text(s.LearningRate!.Value)]);
        if (s.Momentum is { } momentum) args.AddRange(["--momentum", Text(momentum)]);
        args.AddRange(["--weight-decay", Text(s.WeightDecay!.Value)]);
        // Constant is the default; leaving it out keeps the lines of unscheduled runs as they always were.
        if (s.StepSchedule is not null) args.AddRange(["--step-schedule", s.StepSchedule]);
        if (s.FinalStepFraction is { } fraction) args.AddRange(["--final-step-fraction", fraction.ToString("R", CultureInfo.InvariantCulture)]);
        if (s.StepScheduleClock is not null) args.AddRange(["--step-schedule-clock", s.StepScheduleClock]);
        args.AddRange(["--centering", s.Centering!]);
        if (s.TimeBudget is { } budget) args.AddRange(["--time-budget", budget.ToString("R", CultureInfo.InvariantCulture)]);
        args.AddRange(["--seed", Text(s.Seed)]);
        if (s.Full) args.Add("--full");
        else if (s.Data is not null) args.AddRange(["--data", s.Data]);
        else if (s.DataCsv is not null)
        {
            args.AddRange(["--data-csv", s.DataCsv]);
            if (s.LabelColumn is not null) args.AddRange(["--label-column", s.LabelColumn]);
            if (s.CsvSeparator is not null) args.AddRange(["--csv-separator", s.CsvSeparator]);
        }
        if (s.TrainRows != 0) args.AddRange(["--train-rows", Text(s.TrainRows)]);
        if (s.TestRows != 0) args.AddRange(["--test-rows", Text(s.TestRows)]);
        if (s.Inverted) args.Add("--inverted");
        return args;
    }

    private static string Text(int x) => x.ToString(CultureInfo.InvariantCulture);

    // Shortest text that reads back as the same float.
    private static string Text(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>An argument as a POSIX shell reads it back: as is when it holds only safe characters, else in single quotes.</summary>
    internal static string Quote(string arg)
    {
        if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./,:=+@%".Contains(c))) return arg;
        var quoted = new StringBuilder("'");
        foreach (char c in arg) quoted.Append(c == '\'' ? "'\\''" : c.ToString());
        return quoted.Append('\'').ToString();
    }
}
