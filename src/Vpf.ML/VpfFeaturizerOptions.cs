using Vpf.Core;
using Vpf.Core.Data;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;
using Vpf.Onnx;

namespace Vpf.ML;

/// <summary>
/// Options of <see cref="VpfFeaturizerEstimator"/>: the machine's hidden layers, how VPF trains it (mirroring the core
/// <see cref="TrainingOptions"/>, <see cref="VpfOptions"/> and <see cref="OptimiserOptions"/>), how pixels are binarised,
/// and which hidden layers' mean-field firing rates become the output column.
/// </summary>
public sealed class VpfFeaturizerOptions
{
    // The training settings default to the VPF record's own (VpfMethod.DefaultTraining): this door holds none of its own.
    private static readonly VpfMethod Record = new();

    /// <summary>
    /// Default values of the options that are not training settings, shared with <see cref="VpfCatalog"/>; the training
    /// settings (epochs, batch, optimiser, step, centering, estimator) default to <see cref="VpfMethod.DefaultTraining"/>
    /// and <see cref="VpfOptions"/>.
    /// </summary>
    public static class Defaults
    {
        /// <summary>Units of the single hidden layer when <see cref="HiddenLayers"/> is not set.</summary>
        public const int HiddenUnits = 100;






        /// <summary>Mean-field sweeps, in training and in the fitted transformer.</summary>
        public const int MeanFieldSweeps = VpfOptions.DefaultMeanFieldSweeps;

        /// <summary>Damping of layers with lateral weights.</summary>
        public const float Damping = MeanFieldSweep.DefaultDamping;

        /// <summary>Largest pixel intensity.</summary>
        public const float MaxIntensity = OnnxExportOptions.Defaults.MaxIntensity;

        /// <summary>Fraction of the maximum at which a pixel turns on.</summary>
        public const float BinarisationThreshold = OnnxExportOptions.Defaults.BinarisationThreshold;


        /// <summary>Whether inference clamps the visible units to grey levels (see <see cref="VpfFeaturizerOptions.GreyLevels"/>).</summary>
        public const bool GreyLevels = true;

        /// <summary>Whether training draws a fresh binarisation every epoch (see <see cref="VpfFeaturizerOptions.StochasticBinarisation"/>).</summary>
        public const bool StochasticBinarisation = true;

        /// <summary>Standard deviation of the initial weights.</summary>
        public const float InitialWeightScale = DeepBoltzmannMachine.DefaultInitialWeightScale;
    }

    /// <summary>Units of each hidden layer, bottom to top (the visible layer's size comes from the input column). Default one layer of 100.</summary>
    public int[] HiddenLayers = [Defaults.HiddenUnits];

    /// <summary>Layers with lateral (intra-layer) weights: 1 … L are hidden layers, 0 the visible one. Default none.</summary>
    public int[] LateralLayers = [];

    /// <summary>Hidden layers (1 … L) whose rates are concatenated, in this order, into the output. Null: the top layer.</summary>
    public int[]? OutputLayers;

    /// <summary>How VPF turns rates into the joint states its flow is measured on. Default <see cref="FlowEstimator.Sampled"/>.</summary>
    public FlowEstimator Estimator = Record.Options.Estimator;

    /// <summary>Passes over the data; ≥ 1. Default: VPF's (<see cref="VpfMethod.DefaultTraining"/>, 10).</summary>
    public int Epochs = Record.DefaultTraining.Epochs;

    /// <summary>Rows per mini-batch; ≥ 1. Default: VPF's (100).</summary>
    public int BatchSize = Record.DefaultTraining.BatchSize;

    /// <summary>The descent rule. Default: VPF's (Adam).</summary>
    public OptimiserKind Optimiser = Record.DefaultTraining.Optimiser.Kind;

    /// <summary>Step size η of the optimiser; &gt; 0. Null (the default): VPF's step for <see cref="Optimiser"/> (<see cref="TrainingMethod.DefaultOptimiser"/>: Adam 1e-3).</summary>
    public float? LearningRate;

    /// <summary>
    /// Seed of every random choice (initial weights, shuffling, spike sampling). Null: drawn from the MLContext's random
    /// source, so an <c>MLContext</c> created with a seed still gives reproducible results.
    /// </summary>
    public int? Seed;

    /// <summary>Mean-field sweeps T after the bottom-up initialisation, in training and in the fitted transformer; ≥ 0. Default 10.</summary>
    public int MeanFieldSweeps = Defaults.MeanFieldSweeps;

    /// <summary>Damping α of the mean-field update in layers with lateral weights; in [0, 1). Default 0.5.</summary>
    public float Damping = Defaults.Damping;

    /// <summary>Largest intensity of the input (255 for bytes, 1 for normalised images); &gt; 0. Default 255.</summary>
    public float MaxIntensity = Defaults.MaxIntensity;

    /// <summary>A pixel is on when intensity ≥ this fraction of <see cref="MaxIntensity"/> (in single precision); in [0, 1]. Default 0.5.</summary>
    public float BinarisationThreshold = Defaults.BinarisationThreshold;

    /// <summary>Standard deviation of the initial weights; ≥ 0. Default 0.01.</summary>
    public float InitialWeightScale = Defaults.InitialWeightScale;

    /// <summary>
    /// How the step size changes over the run (<see cref="StepScheduleOptions"/>): constant, or a linear or cosine decay
    /// over the run's updates to <see cref="FinalStepFraction"/> of the initial step. Default: VPF's (constant).
    /// </summary>
    public StepScheduleKind StepSchedule = Record.DefaultTraining.StepSchedule.Kind;

    /// <summary>The step at the end of a decaying <see cref="StepSchedule"/> as a fraction of the initial step, in [0, 1]. Default 0.1.</summary>
    public double FinalStepFraction = Record.DefaultTraining.StepSchedule.FinalFraction;

    /// <summary>
    /// Train in centered coordinates (every unit's mean activity subtracted in the energy; the fitted machine is the
    /// equivalent ordinary one). Default: VPF's (true; the measurement behind it is in the project's results).
    /// </summary>
    public bool Centering = Record.DefaultTraining.Centering.Enabled;

    /// <summary>
    /// Inference clamps the visible units to the grey levels clip(intensity / <see cref="MaxIntensity"/>, 0, 1) as
    /// mean-field rates instead of thresholding them (training still sees binary images). Default true.
    /// </summary>
    public bool GreyLevels = Defaults.GreyLevels;

    /// <summary>
    /// Training draws a fresh binarisation of every image each epoch (a pixel is on with probability
    /// intensity / <see cref="MaxIntensity"/>) instead of thresholding once at <see cref="BinarisationThreshold"/>. Default true.
    /// The draws feed one training run (the plan's training set per epoch): the optimiser's state, the centering
    /// offsets and, for PCD and DBM-PCD, the persistent chains carry over from one draw to the next.
    /// </summary>
    public bool StochasticBinarisation = Defaults.StochasticBinarisation;

    /// <summary>Whether the visible biases start at the log-odds of the training pixels' means. Default true.</summary>
    public bool InitialiseVisibleBiases = true;

    /// <summary>
    /// The kind of the visible units. <see cref="VisibleUnitKind.Binary"/> (the default): the input column holds pixel
    /// intensities in [0, <see cref="MaxIntensity"/>], binarised for training. <see cref="VisibleUnitKind.Gaussian"/>: the
    /// column holds any finite real values (grey levels, sensor readings, tabular features); <c>Fit</c> standardises each
    /// of its columns with the mean and standard deviation of the fitting rows (<see cref="Standardisation"/>), trains a
    /// machine with unit-variance Gaussian visible units on the standardised rows, and the fitted transformer's ONNX graph
    /// applies the same standardisation to its input. With Gaussian units the binarisation options
    /// (<see cref="MaxIntensity"/>, <see cref="BinarisationThreshold"/>, <see cref="GreyLevels"/>,
    /// <see cref="StochasticBinarisation"/>) are not used, and the visible biases start at the standardised means (0).
    /// </summary>
    public VisibleUnitKind VisibleUnits = VisibleUnitKind.Binary;

    /// <summary>
    /// The training method, by the name the core and the command line use (<see cref="TrainingMethod.Names"/>, case-insensitive).
    /// Default "vpf" (with <see cref="Estimator"/>, <see cref="MeanFieldSweeps"/> and <see cref="Damping"/>). With
    /// <see cref="VisibleUnitKind.Gaussian"/> visible units: "vpf", "sm-rbm" (marginal score matching, one hidden layer)
    /// or "cd" (CD-1, one hidden layer). The training settings (<see cref="Epochs"/>, <see cref="BatchSize"/>, the
    /// optimiser, <see cref="Centering"/>) apply to every method.
    /// </summary>
    public string Method = Record.Name;

    /// <summary>
    /// With <see cref="VisibleUnitKind.Gaussian"/> visible units: the standardisation z = (x − mean) / scale of the
    /// input column. Null (the default) when training: fitted on the rows given to <c>Fit</c>
    /// (<see cref="Vpf.Core.Data.Standardisation.Fit"/>). Required with a trained Gaussian machine
    /// (<see cref="VpfCatalog.VpfFeaturesFromModel(Microsoft.ML.TransformsCatalog, string, string, Vpf.Core.Model.DeepBoltzmannMachine, VpfFeaturizerOptions?)"/>):
    /// the statistics it was trained with (from <see cref="VpfFeaturizerEstimator.TrainModel(Microsoft.ML.IDataView, out Vpf.Core.Data.Standardisation?)"/>;
    /// zero means and unit scales for a column that is already standardised). Must be null for binary visible units.
    /// </summary>
    public Standardisation? Standardisation;

    /// <summary>The training methods offered for Gaussian visible units.</summary>
    internal static readonly string[] GaussianMethods = [Record.Name, new ScoreMatchingRbmMethod().Name, new CdMethod().Name];

    /// <summary>A shallow copy.</summary>
    internal VpfFeaturizerOptions Clone() => (VpfFeaturizerOptions)MemberwiseClone();

    /// <summary>Export options of the fitted transformer's graph.</summary>
    internal OnnxExportOptions ToExportOptions(string inputName, string outputName, Standardisation? standardisation = null) => new()
    {
        Standardisation = standardisation,
        MeanFieldSweeps = MeanFieldSweeps,
        Damping = Damping,
        OutputLayers = OutputLayers,
        Binarise = true,
        GreyLevels = GreyLevels,
        MaxIntensity = MaxIntensity,
        BinarisationThreshold = BinarisationThreshold,
        InputName = inputName,
        OutputName = outputName,
    };

    /// <summary>
    /// Core's names of the plan's options (<see cref="InvalidOptionsException.Option"/>) mapped to the fields of these
    /// options, so that an error names the field the user set.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> CoreNames { get; } = new Dictionary<string, string>
    {
        ["layers"] = nameof(HiddenLayers),
        ["lateral"] = nameof(LateralLayers),
        ["Architecture"] = nameof(HiddenLayers),
        ["Method"] = nameof(HiddenLayers),
        ["Method.Options.Estimator"] = nameof(Estimator),
        ["Method.Options.MeanFieldSweeps"] = nameof(MeanFieldSweeps),
        ["Method.Options.Damping"] = nameof(Damping),
        ["TrainingOptions.Epochs"] = nameof(Epochs),
        ["TrainingOptions.BatchSize"] = nameof(BatchSize),
        ["TrainingOptions.Optimiser.Kind"] = nameof(Optimiser),
        ["TrainingOptions.Optimiser.LearningRate"] = nameof(LearningRate),
        ["TrainingOptions.StepSchedule.Kind"] = nameof(StepSchedule),
        ["TrainingOptions.StepSchedule.FinalFraction"] = nameof(FinalStepFraction),
        ["Initialisation.WeightScale"] = nameof(InitialWeightScale),
        ["visibleUnits"] = nameof(VisibleUnits),
    };

    /// <summary>The method these options describe: <see cref="Method"/>, VPF with this object's VPF options.</summary>
    internal TrainingMethod ChosenMethod =>
        TrainingMethod.TryParse(Method, null) is { } parsed && parsed is not VpfMethod ? parsed : VpfRecord;

    /// <summary>The VPF method these options describe.</summary>
    private VpfMethod VpfRecord => Record with { Options = Record.Options with { Estimator = Estimator, MeanFieldSweeps = MeanFieldSweeps, Damping = Damping } };

    /// <summary>
    /// The training plan for <paramref name="visible"/> pixels, checked by Core (<see cref="TrainingPlan.Validate"/>);
    /// throws <see cref="ArgumentOutOfRangeException"/> naming the field.
    /// </summary>
    internal TrainingPlan BuildPlan(int visible, int initialisationSeed, int trainingSeed) => Mapped(() =>
    {
        var architecture = new Architecture([visible, .. HiddenLayers ?? []]).WithLateral(LateralLayers ?? []).WithVisibleUnits(VisibleUnits);
        var plan = new TrainingPlan
        {
            Architecture = architecture,
            Method = ChosenMethod.ResolveFor(architecture),
            TrainingOptions = ChosenMethod.DefaultTraining with
            {
                Epochs = Epochs,
                BatchSize = BatchSize,
                Seed = trainingSeed,
                Optimiser = ChosenMethod.DefaultOptimiser(Optimiser) is var optimiser && LearningRate is { } step ? optimiser with { LearningRate = step } : optimiser,
                Centering = ChosenMethod.DefaultTraining.Centering with { Enabled = this.Centering },
                StepSchedule = ChosenMethod.DefaultTraining.StepSchedule with { Kind = StepSchedule, FinalFraction = FinalStepFraction },
            },
            Initialisation = new Initialisation
            {
                Seed = initialisationSeed, WeightScale = InitialWeightScale, VisibleBiasesFromData = InitialiseVisibleBiases,
            },
        };
        plan.Validate();
        return plan;
    });

    /// <summary>
    /// Checks every option that does not need the data: the training options through Core's plan (the visible size
    /// is not known yet, any will do), the feature options here. Throws <see cref="ArgumentOutOfRangeException"/> naming the field.
    /// </summary>
    /// <param name="forTraining">False when a trained machine is given: only the options its features use are checked, and its layers, not <see cref="HiddenLayers"/>, bound <see cref="OutputLayers"/>.</param>
    internal void Validate(bool forTraining = true)
    {
        Check(HiddenLayers is not null, nameof(HiddenLayers), "Give at least one hidden layer.");
        Check(LateralLayers is not null, nameof(LateralLayers), "Give an empty array for no lateral weights.");
        ValidateMethodAndUnits(forTraining);
        if (forTraining)
        {
            BuildPlan(1, 0, 0);
            if (OutputLayers is not null) OutputLayerList.Resolve(OutputLayers, HiddenLayers!.Length + 1, nameof(OutputLayers));
        }
        else
        {
            Mapped(() => { ChosenMethod.Validate(); return 0; });
        }
        Check(MaxIntensity > 0f && float.IsFinite(MaxIntensity), nameof(MaxIntensity), $"The maximum intensity must be a finite number > 0; got {MaxIntensity}.");
        Check(BinarisationThreshold >= 0f && BinarisationThreshold <= 1f, nameof(BinarisationThreshold), $"The binarisation threshold must be in [0, 1]; got {BinarisationThreshold}.");
    }

    /// <summary>
    /// The checks of <see cref="Method"/>, <see cref="VisibleUnits"/> and <see cref="Standardisation"/> that Core's plan
    /// would report under other names: the method by name, and what Gaussian visible units can be trained with.
    /// </summary>
    private void ValidateMethodAndUnits(bool forTraining)
    {
        Check(Method is not null && TrainingMethod.TryParse(Method, null) is not null, nameof(Method),
            $"Unknown training method '{Method}'; expected one of {string.Join(", ", TrainingMethod.Names)}.");
        Check(Enum.IsDefined(VisibleUnits), nameof(VisibleUnits), $"Unknown visible unit kind {(int)VisibleUnits}; expected Binary or Gaussian.");
        // A trained machine brings its own kind of visible units; the estimator checks the standardisation against it.
        if (!forTraining) return;
        if (VisibleUnits == VisibleUnitKind.Gaussian)
        {
            string name = TrainingMethod.TryParse(Method, null)!.Name;
            Check(GaussianMethods.Contains(name), nameof(Method),
                $"With Gaussian visible units the method must be one of {string.Join(", ", GaussianMethods)}; got '{Method}'.");
        }
        else
        {
            Check(Standardisation is null, nameof(Standardisation),
                "A standardisation applies to Gaussian visible units (VisibleUnits = Gaussian); with binary visible units give null.");
        }
    }

    /// <summary>Runs <paramref name="build"/>, turning Core's <see cref="InvalidOptionsException"/> into an <see cref="ArgumentOutOfRangeException"/> named after the field.</summary>
    private static T Mapped<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (InvalidOptionsException e)
        {
            // The method's options sit under "Method.Options." when validated alone too.
            string option = e.Option.StartsWith("Options.", StringComparison.Ordinal) ? "Method." + e.Option : e.Option;
            throw new ArgumentOutOfRangeException(CoreNames.TryGetValue(option, out var field) ? field : e.Option, e.Detail);
        }
    }

    private static void Check(bool condition, string field, string message)
    {
        if (!condition) throw new ArgumentOutOfRangeException(field, message);
    }
}
