using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf train</c> (and the model part of <c>vpf demo</c>).</summary>
public class TrainSettings : CommonSettings
{
    /// <summary>Layer sizes.</summary>
    [CommandOption("--layers <SIZES>")]
    [Description("Layer sizes, comma-separated: hidden sizes (500,1000) or all sizes starting with the visible size (784,500,1000).")]
    [DefaultValue("500")]
    public string Layers { get; init; } = "500";

    /// <summary>Layers with lateral weights.</summary>
    [CommandOption("--lateral <LAYERS>")]
    [Description("Indices of layers with lateral (within-layer) weights, comma-separated, e.g. 1. VPF only.")]
    public string? Lateral { get; init; }

    /// <summary>Kind of the visible units.</summary>
    [CommandOption("--visible <KIND>")]
    [Description("Visible units: binary (binarised images) or gaussian (unit-variance Gaussian units on real values: grey levels, or a --data-csv table, standardised per column on the training rows; the model stores the standardisation). Gaussian takes --method vpf, sm-rbm, cd or pcd.")]
    [DefaultValue("binary")]
    public string Visible { get; init; } = "binary";

    /// <summary>Training method.</summary>
    [CommandOption("--method <METHOD>")]
    [Description("vpf (any DBM), mpf (fully visible), mpf-rbm (RBM, hidden units summed out), sm-rbm (Gaussian RBM, marginal score matching), cd or pcd (RBM baselines; pcd on a DBM is dbm-pcd), dbm-pcd (any DBM). " +
                 "Each method brings its own defaults for the training flags below (see docs/cli.md).")]
    [DefaultValue("vpf")]
    public string Method { get; init; } = "vpf";

    /// <summary>VPF estimator; null: the method's.</summary>
    [CommandOption("--estimator <KIND>")]
    [Description("VPF hidden states: sampled (default, unbiased), expected (closed form), meanfield (rates as states).")]
    public string? Estimator { get; init; }

    /// <summary>VPF: also flow to the all-bits-flipped state.</summary>
    [CommandOption("--all-bits-flipped")]
    [Description("VPF: also connect every joint state to the state with every bit flipped (Sohl-Dickstein's extra MPF neighbour; docs/vpf-math.md §10.1). Binary visible units only. Default: off.")]
    public bool AllBitsFlipped { get; init; }
    /// <summary>Persistent samples of VPF; null: the method's (0, none).</summary>
    [CommandOption("--persistent-samples <M>")]
    [Description("VPF only: connect every data state also to the states of M persistent Gibbs chains of the model (persistent MPF; needs Gibbs sampling, binary visible units, the sampled or meanfield estimator; not with --distributed). Default 0: none.")]
    public int? PersistentSamples { get; init; }

    /// <summary>Gibbs sweeps of the persistent chains; null: the method's.</summary>
    [CommandOption("--persistent-gibbs-sweeps <G>")]
    [Description("VPF only, with --persistent-samples: full Gibbs sweeps of the chains before each batch (≥ 1). Default 1.")]
    public int? PersistentGibbsSweeps { get; init; }

    /// <summary>Weight of the persistent-sample flow; null: the method's.</summary>
    [CommandOption("--persistent-flow-weight <W>")]
    [Description("VPF only, with --persistent-samples: weight λ of λ·log(mean flow to the chain samples), added to the single-flip flow (> 0). Default 1.")]
    public float? PersistentFlowWeight { get; init; }

    /// <summary>Epochs; null: the method's.</summary>
    [CommandOption("--epochs <N>")]
    [Description("Passes over the training data (≥ 1). Default: the method's (10).")]
    public int? Epochs { get; init; }

    /// <summary>Mini-batch size; null: the method's.</summary>
    [CommandOption("--batch-size <N>")]
    [Description("Images per mini-batch. Default: the method's (100).")]
    public int? BatchSize { get; init; }

    /// <summary>Mean-field sweeps; null: the method's.</summary>
    [CommandOption("--sweeps <N>")]
    [Description("Mean-field sweeps of the VPF E-step and of DBM-PCD's positive phase (an RBM needs 1). Default: the method's (10).")]
    public int? Sweeps { get; init; }

    /// <summary>Gibbs steps; null: the method's.</summary>
    [CommandOption("--cd-steps <K>")]
    [Description("Gibbs steps per update for cd / pcd (and the chains' sweeps of dbm-pcd). Default: the method's (1; 5 for dbm-pcd).")]
    public int? CdSteps { get; init; }

    /// <summary>Optimiser; null: the method's.</summary>
    [CommandOption("--optimiser <KIND>")]
    [Description("adam or sgd. Default: the method's (adam). Switching rule without --learning-rate uses that rule's default step (adam 1e-3, sgd 0.05).")]
    public string? Optimiser { get; init; }

    /// <summary>Learning rate; null: the method's for the optimiser.</summary>
    [CommandOption("--learning-rate <RATE>")]
    [Description("Step size. Default: the method's for the optimiser (adam 1e-3, sgd 0.05).")]
    public float? LearningRate { get; init; }

    /// <summary>Momentum of SGD; null: the method's.</summary>
    [CommandOption("--momentum <M>")]
    [Description("Momentum of sgd, at least 0 and below 1. Default: the method's (0, plain SGD). Not used by adam.")]
    public float? Momentum { get; init; }

    /// <summary>L2 weight decay; null: the method's.</summary>
    [CommandOption("--weight-decay <RATE>")]
    [Description("L2 weight decay. Default: the method's (0).")]
    public float? WeightDecay { get; init; }

    /// <summary>Step-size schedule; null: the method's.</summary>
    [CommandOption("--step-schedule <KIND>")]
    [Description("How the step size changes over the run: constant, linear or cosine (a decay from --learning-rate to --final-step-fraction of it over the run's updates, epochs × batches). Default: the method's (constant).")]
    public string? StepSchedule { get; init; }

    /// <summary>Final step of a decaying schedule as a fraction of the first; null: the method's.</summary>
    [CommandOption("--final-step-fraction <F>")]
    [Description("With --step-schedule linear or cosine: the step at the end of the run as a fraction of --learning-rate, from 0 to 1. Default: the method's (0.1).")]
    public double? FinalStepFraction { get; init; }

    /// <summary>What the schedule's progress is measured in; null: the method's.</summary>
    [CommandOption("--step-schedule-clock <CLOCK>")]
    [Description("With --step-schedule linear or cosine: updates (the default; reproducible bit for bit) or budget (the fraction of --time-budget spent, so the step has decayed when the budget ends; runs then differ with the machine's speed, and a resumed run is not an uninterrupted one bit for bit).")]
    public string? StepScheduleClock { get; init; }

        /// <summary>Centering of the training coordinates; null: the method's.</summary>
    [CommandOption("--centering <on|off>")]
    [Description("Train in centered coordinates (offsets: the data mean, and a running mean of the hidden rates); the saved model is the equivalent ordinary one. Default: the method's (on). See the README's results for when each is better.")]
    public string? Centering { get; init; }

    /// <summary>Training seconds after which the run stops at the end of an epoch.</summary>
    [CommandOption("--time-budget <SECONDS>")]
    [Description("Stop at the end of the epoch in which training (held-out evaluation excluded) reaches this many seconds; --epochs stays the upper bound. Default: no limit.")]
    public double? TimeBudget { get; init; }

    /// <summary>Output model file.</summary>
    [CommandOption("--out <FILE>")]
    [Description("Model file to write; a Ctrl-C writes <FILE>.vpfckpt next to it.")]
    [DefaultValue("model.vpf")]
    public string Out { get; init; } = "model.vpf";

    /// <summary>Resume from the checkpoint next to --out.</summary>
    [CommandOption("--resume")]
    [Description("Go on from the checkpoint <out>.vpfckpt written by an interrupted run with the same options; the result equals an uninterrupted run.")]
    public bool Resume { get; init; }

    /// <summary>Data-parallel training over the MPI processes started by mpiexec.</summary>
    [CommandOption("--distributed")]
    [Description("Train on the MPI processes started by mpiexec (MPICH or Open MPI), each taking a share of every batch; process 0 writes the model, checkpoint and progress. See docs/distributed.md.")]
    public bool Distributed { get; init; }

    /// <summary>Longest wait for the other processes in one exchange.</summary>
    [CommandOption("--distributed-timeout <SECONDS>")]
    [Description("With --distributed: a process that waits this long for the others in one exchange reports it and stops the job (0 = wait forever).")]
    [DefaultValue(300)]
    public int DistributedTimeout { get; init; } = 300;

    /// <summary>Discard a checkpoint next to --out (or at --out) and start afresh.</summary>
    [CommandOption("--overwrite")]
    [Description("Discard the checkpoint <out>.vpfckpt of an interrupted run and start afresh (without it, a fresh run refuses to replace that checkpoint); also allows --out to replace a file that holds a checkpoint.")]
    public bool Overwrite { get; init; }

    /// <summary>
    /// The training and held-out data for these options: binarised images for binary visible units; for Gaussian ones
    /// grey levels or table values, standardised per column by <see cref="Standardisation.Fit"/> on the training rows.
    /// </summary>
    internal DataSet LoadTrainingData()
    {
        bool gaussian = IsGaussian;
        var data = DataSource.Load(this, greyLevels: gaussian);
        if (gaussian) return data.Standardised(Standardisation.Fit(data.Train));
        if (!data.Train.IsBinary || !data.Test.IsBinary)
            throw new UsageException("--visible",
                $"the data ({DataCsv}) hold values other than 0 and 1 but the visible units are binary; use --visible gaussian for real values.");
        return data;
    }

    internal Architecture BuildArchitecture(int visible)
    {
        int[] sizes = ParseList(Layers, "--layers");
        if (sizes.Length == 0 || sizes.Any(s => s < 1)) throw new UsageException("--layers", $"expected positive sizes like 500,1000; got '{Layers}'.");
        sizes = LayerSizes.WithVisible(sizes, visible, Layers);
        if (sizes.Length < 2) throw new UsageException("--layers", "give at least one hidden layer.");
        var arch = Architecture.Dbm(sizes);
        if (IsGaussian) arch = arch.WithVisibleUnits(VisibleUnitKind.Gaussian);
        if (!string.IsNullOrWhiteSpace(Lateral))
        {
            int[] lateral = ParseList(Lateral, "--lateral");
            foreach (int l in lateral)
                if (l < 0 || l >= sizes.Length) throw new UsageException("--lateral", $"layer {l} does not exist; layers are 0…{sizes.Length - 1}.");
            arch = arch.WithLateral(lateral);
        }
        return arch;
    }

    /// <summary>
    /// The plan these options describe for data with <paramref name="visible"/> pixels, validated by Core; a bad value
    /// is reported with its flag (<see cref="PlanFlags"/>). Every flag left out takes the method's own default
    /// (<see cref="TrainingMethod.DefaultTraining"/>): the flags are overrides of the method's record.
    /// </summary>
    internal TrainingPlan BuildPlan(int visible)
    {
        var plan = PlanFlags.Checked(() =>
        {
            var architecture = BuildArchitecture(visible);
            if (architecture.HasGaussianVisible && !GaussianMethods.Contains(Method.ToLowerInvariant()))
                throw new UsageException("--method", $"'{Method}' does not train Gaussian visible units (--visible gaussian); use one of {string.Join(", ", GaussianMethods)}.");
            var method = TrainingMethod.Parse(Method, architecture).With(new MethodSettings
            {
                Estimator = Estimator is null ? null : ParseEstimator(Estimator),
                MeanFieldSweeps = Sweeps,
                GibbsSteps = CdSteps,
                AllBitsFlipped = AllBitsFlipped ? true : null,
                PersistentSamples = PersistentSamples,
                PersistentGibbsSweeps = PersistentGibbsSweeps,
                PersistentFlowWeight = PersistentFlowWeight,
            });
            var applied = method.Settings;
            RefuseUnused("--estimator", Estimator is not null, method, s => s.Estimator is not null);
            RefuseUnused("--sweeps", Sweeps is not null, method, s => s.MeanFieldSweeps is not null);
            RefuseUnused("--cd-steps", CdSteps is not null, method, s => s.GibbsSteps is not null);
            if (AllBitsFlipped && applied.AllBitsFlipped is null)
                throw new UsageException("--all-bits-flipped", $"applies to --method vpf only; the method is {method.Name}.");
            if (PersistentSamples is not null && applied.PersistentSamples is null)
                throw new UsageException("--persistent-samples", $"applies to --method vpf only; the method is {method.Name}.");
            if (PersistentGibbsSweeps is not null && applied.PersistentGibbsSweeps is null)
                throw new UsageException("--persistent-gibbs-sweeps", $"applies to --method vpf only; the method is {method.Name}.");
            if (PersistentFlowWeight is not null && applied.PersistentFlowWeight is null)
                throw new UsageException("--persistent-flow-weight", $"applies to --method vpf only; the method is {method.Name}.");
            var defaults = method.DefaultTraining;
            var kind = Optimiser is null ? defaults.Optimiser.Kind : ParseOptimiser(Optimiser);
            if (Momentum is not null && kind != OptimiserKind.SgdMomentum)
                throw new UsageException("--momentum", $"applies to --optimiser sgd only; the optimiser is {OptimiserName(kind)}.");
            var optimiser = method.DefaultOptimiser(kind);
            var schedule = StepSchedule is null ? defaults.StepSchedule.Kind : ParseStepSchedule(StepSchedule);
            if (schedule == StepScheduleKind.Constant && FinalStepFraction is not null)
                throw new UsageException("--final-step-fraction", "applies to --step-schedule linear or cosine only; the schedule is constant.");
            if (schedule == StepScheduleKind.Constant && StepScheduleClock is not null)
                throw new UsageException("--step-schedule-clock", "applies to --step-schedule linear or cosine only; the schedule is constant.");
            return new TrainingPlan
            {
                Architecture = architecture,
                Method = method,
                TrainingOptions = defaults with
                {
                    Epochs = Epochs ?? defaults.Epochs,
                    BatchSize = BatchSize ?? defaults.BatchSize,
                    Seed = Seed,
                    Optimiser = optimiser with
                    {
                        LearningRate = LearningRate ?? optimiser.LearningRate,
                        Momentum = Momentum ?? optimiser.Momentum,
                        WeightDecay = WeightDecay ?? optimiser.WeightDecay,
                    },
                    Centering = defaults.Centering with { Enabled = Centering is null ? defaults.Centering.Enabled : ParseCentering(Centering) },
                    StepSchedule = defaults.StepSchedule with
                    {
                        Kind = schedule,
                        FinalFraction = FinalStepFraction ?? defaults.StepSchedule.FinalFraction,
                        Clock = StepScheduleClock is null ? defaults.StepSchedule.Clock : ParseStepScheduleClock(StepScheduleClock),
                    },
                },
                TimeBudgetSeconds = TimeBudget,
            };
        });
        PlanFlags.Checked(plan.Validate);
        return plan;
    }

    /// <summary>
    /// Refuses a method option given to a method that has no such option (it would be ignored), naming the methods that
    /// have it, as the method records report them.
    /// </summary>
    private static void RefuseUnused(string flag, bool given, TrainingMethod method, Func<MethodSettings, bool> has)
    {
        if (!given || has(method.Settings)) return;
        var owners = TrainingMethod.Names.Where(n => has(TrainingMethod.Parse(n).Settings));
        throw new UsageException(flag, $"applies to --method {string.Join(" or ", owners)} only; the method is {method.Name}.");
    }

    /// <summary>The methods that train Gaussian visible units.</summary>
    internal static readonly string[] GaussianMethods = ["vpf", "sm-rbm", "cd", "pcd"];

    /// <summary>Whether <c>--visible</c> asks for Gaussian visible units.</summary>
    internal bool IsGaussian => Visible.ToLowerInvariant() switch
    {
        "binary" => false,
        "gaussian" => true,
        _ => throw new UsageException("--visible", $"expected binary or gaussian; got '{Visible}'."),
    };

    /// <summary>The flag value of a visible unit kind: "binary" or "gaussian".</summary>
    internal static string VisibleName(VisibleUnitKind kind) => kind == VisibleUnitKind.Gaussian ? "gaussian" : "binary";

    /// <summary>The flag value of an optimiser kind: "adam" or "sgd".</summary>
    internal static string OptimiserName(OptimiserKind kind) => kind == OptimiserKind.Adam ? "adam" : "sgd";

    /// <summary>The flag value of an estimator: "sampled", "expected" or "meanfield".</summary>
    internal static string EstimatorName(FlowEstimator estimator) => estimator.ToString().ToLowerInvariant();

    private static OptimiserKind ParseOptimiser(string text) => text.ToLowerInvariant() switch
    {
        "adam" => OptimiserKind.Adam,
        "sgd" => OptimiserKind.SgdMomentum,
        _ => throw new UsageException("--optimiser", $"expected adam or sgd; got '{text}'."),
    };

    /// <summary>The flag value of a step schedule: "constant", "linear" or "cosine".</summary>
    internal static string StepScheduleName(StepScheduleKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The flag value of a schedule's clock: "updates" or "budget".</summary>
    internal static string StepScheduleClockName(Core.Training.Optimisers.StepScheduleClock clock) =>
        clock == Core.Training.Optimisers.StepScheduleClock.TimeBudget ? "budget" : "updates";

    private static StepScheduleKind ParseStepSchedule(string text) => text.ToLowerInvariant() switch
    {
        "constant" => StepScheduleKind.Constant,
        "linear" => StepScheduleKind.Linear,
        "cosine" => StepScheduleKind.Cosine,
        _ => throw new UsageException("--step-schedule", $"expected constant, linear or cosine; got '{text}'."),
    };

    private static Core.Training.Optimisers.StepScheduleClock ParseStepScheduleClock(string text) => text.ToLowerInvariant() switch
    {
        "updates" => Core.Training.Optimisers.StepScheduleClock.Updates,
        "budget" => Core.Training.Optimisers.StepScheduleClock.TimeBudget,
        _ => throw new UsageException("--step-schedule-clock", $"expected updates or budget; got '{text}'."),
    };

    private static bool ParseCentering(string text) => text.ToLowerInvariant() switch
    {
        "on" => true,
        "off" => false,
        _ => throw new UsageException("--centering", $"expected on or off; got '{text}'."),
    };

    private static FlowEstimator ParseEstimator(string text) => text.ToLowerInvariant() switch
    {
        "sampled" => FlowEstimator.Sampled,
        "expected" => FlowEstimator.Expected,
        "meanfield" or "mean-field" => FlowEstimator.MeanField,
        _ => throw new UsageException("--estimator", $"expected sampled, expected or meanfield; got '{text}'."),
    };

    private static int[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && parts[0].Length == 0) return [];
        if (Array.IndexOf(parts, "") is int empty and >= 0)
            throw new UsageException(option, $"'{text}' has an empty entry (number {empty + 1}); expected whole numbers separated by single commas, like 500,1000.");
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out result[i]))
                throw new UsageException(option, $"'{parts[i]}' is not a whole number (in '{text}').");
        return result;
    }
}
