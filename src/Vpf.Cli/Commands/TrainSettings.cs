using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
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

    /// <summary>Training method.</summary>
    [CommandOption("--method <METHOD>")]
    [Description("vpf (any DBM), mpf (fully visible), mpf-rbm (RBM, hidden units summed out), cd or pcd (RBM baselines; pcd on a DBM is dbm-pcd), dbm-pcd (any DBM).")]
    [DefaultValue("vpf")]
    public string Method { get; init; } = "vpf";

    /// <summary>VPF estimator.</summary>
    [CommandOption("--estimator <KIND>")]
    [Description("VPF hidden states: sampled (default, unbiased), expected (closed form), meanfield (rates as states).")]
    [DefaultValue("sampled")]
    public string Estimator { get; init; } = "sampled";

    /// <summary>Epochs.</summary>
    [CommandOption("--epochs <N>")]
    [Description("Passes over the training data (≥ 1).")]
    [DefaultValue(5)]
    public int Epochs { get; init; } = 5;

    /// <summary>Mini-batch size.</summary>
    [CommandOption("--batch-size <N>")]
    [Description("Images per mini-batch.")]
    [DefaultValue(100)]
    public int BatchSize { get; init; } = 100;

    /// <summary>Mean-field sweeps of the VPF E-step.</summary>
    [CommandOption("--sweeps <N>")]
    [Description("Mean-field sweeps of the VPF E-step (an RBM needs 1; deeper models 10).")]
    [DefaultValue(VpfOptions.DefaultMeanFieldSweeps)]
    public int Sweeps { get; init; } = VpfOptions.DefaultMeanFieldSweeps;

    /// <summary>CD steps.</summary>
    [CommandOption("--cd-steps <K>")]
    [Description("Gibbs steps per update for cd / pcd (RBM).")]
    [DefaultValue(1)]
    public int CdSteps { get; init; } = 1;

    /// <summary>Optimiser.</summary>
    [CommandOption("--optimiser <KIND>")]
    [Description("adam or sgd (SGD with momentum 0.9).")]
    [DefaultValue("adam")]
    public string Optimiser { get; init; } = "adam";

    /// <summary>Learning rate.</summary>
    [CommandOption("--learning-rate <RATE>")]
    [Description("Step size; default 1e-3 for adam, 0.01 for sgd.")]
    public float? LearningRate { get; init; }

    /// <summary>L2 weight decay.</summary>
    [CommandOption("--weight-decay <RATE>")]
    [Description("L2 weight decay.")]
    [DefaultValue(0f)]
    public float WeightDecay { get; init; }

    /// <summary>Centering of the training coordinates.</summary>
    [CommandOption("--centering <on|off>")]
    [Description("Train in centered coordinates (offsets: the data mean, and a running mean of the hidden rates); the saved model is the equivalent ordinary one. See the README's results for when each is better.")]
    [DefaultValue("on")]
    public string Centering { get; init; } = "on";

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

    internal Architecture BuildArchitecture(int visible)
    {
        int[] sizes = ParseList(Layers, "--layers");
        if (sizes.Length == 0 || sizes.Any(s => s < 1)) throw new UsageException("--layers", $"expected positive sizes like 500,1000; got '{Layers}'.");
        sizes = LayerSizes.WithVisible(sizes, visible, Layers);
        if (sizes.Length < 2) throw new UsageException("--layers", "give at least one hidden layer.");
        var arch = Architecture.Dbm(sizes);
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
    /// is reported with its flag (<see cref="PlanFlags"/>).
    /// </summary>
    internal TrainingPlan BuildPlan(int visible)
    {
        var kind = Optimiser.ToLowerInvariant() switch
        {
            "adam" => OptimiserKind.Adam,
            "sgd" => OptimiserKind.SgdMomentum,
            _ => throw new UsageException("--optimiser", $"expected adam or sgd; got '{Optimiser}'."),
        };
        var plan = PlanFlags.Checked(() =>
        {
            var architecture = BuildArchitecture(visible);
            return new TrainingPlan
            {
                Architecture = architecture,
                Method = BuildMethod(architecture),
                TrainingOptions = new TrainingOptions
                {
                    Epochs = Epochs, BatchSize = BatchSize, Seed = Seed,
                    Optimiser = new OptimiserOptions
                    {
                        Kind = kind,
                        LearningRate = LearningRate ?? (kind == OptimiserKind.Adam ? OptimiserOptions.DefaultAdamLearningRate : 0.01f),
                        WeightDecay = WeightDecay,
                    },
                    Centering = new CenteringOptions { Enabled = ParseCentering() },
                },
            };
        });
        PlanFlags.Checked(plan.Validate);
        return plan;
    }

    private bool ParseCentering() => Centering.ToLowerInvariant() switch
    {
        "on" => true,
        "off" => false,
        _ => throw new UsageException("--centering", $"expected on or off; got '{Centering}'."),
    };

    /// <summary>
    /// The method named by <c>--method</c> with the flags that belong to it. "pcd" on a deep or laterally connected
    /// machine has always meant DBM persistent CD: it still does, and the model file records "dbm-pcd".
    /// </summary>
    private TrainingMethod BuildMethod(Architecture architecture)
    {
        var method = TrainingMethod.Parse(Method);
        return method switch
        {
            VpfMethod => new VpfMethod { Options = new VpfOptions { Estimator = ParseEstimator(), MeanFieldSweeps = Sweeps } },
            CdMethod => new CdMethod { Steps = CdSteps },
            PcdMethod when !architecture.IsRbm || architecture.HasLateral[0] => new DbmPcdMethod(),
            PcdMethod => new PcdMethod { Steps = CdSteps },
            _ => method,
        };
    }

    private FlowEstimator ParseEstimator() => Estimator.ToLowerInvariant() switch
    {
        "sampled" => FlowEstimator.Sampled,
        "expected" => FlowEstimator.Expected,
        "meanfield" or "mean-field" => FlowEstimator.MeanField,
        _ => throw new UsageException("--estimator", $"expected sampled, expected or meanfield; got '{Estimator}'."),
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
