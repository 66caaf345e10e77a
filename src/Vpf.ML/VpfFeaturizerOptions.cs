using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;
using Vpf.ML.Onnx;

namespace Vpf.ML;

/// <summary>
/// Options of <see cref="VpfFeaturizerEstimator"/>: the machine's hidden layers, how VPF trains it (mirroring the core
/// <see cref="FlowTrainer"/>, <see cref="VpfOptions"/> and <see cref="OptimiserOptions"/>), how pixels are binarised,
/// and which hidden layers' mean-field firing rates become the output column.
/// </summary>
public sealed class VpfFeaturizerOptions
{
    /// <summary>Default values, shared with <see cref="VpfCatalog"/>.</summary>
    public static class Defaults
    {
        /// <summary>Units of the single hidden layer when <see cref="HiddenLayers"/> is not set.</summary>
        public const int HiddenUnits = 100;

        /// <summary>Passes over the data.</summary>
        public const int Epochs = 10;

        /// <summary>Rows per mini-batch.</summary>
        public const int BatchSize = 100;

        /// <summary>The optimiser.</summary>
        public const OptimiserKind Optimiser = OptimiserKind.Adam;

        /// <summary>Step size of the optimiser.</summary>
        public const float LearningRate = OptimiserOptions.DefaultAdamLearningRate;

        /// <summary>The estimator of the flow on joint states.</summary>
        public const FlowEstimator Estimator = FlowEstimator.Sampled;

        /// <summary>Mean-field sweeps, in training and in the fitted transformer.</summary>
        public const int MeanFieldSweeps = VpfOptions.DefaultMeanFieldSweeps;

        /// <summary>Damping of layers with lateral weights.</summary>
        public const float Damping = MeanFieldSweep.DefaultDamping;

        /// <summary>Largest pixel intensity.</summary>
        public const float MaxIntensity = OnnxExportOptions.Defaults.MaxIntensity;

        /// <summary>Fraction of the maximum at which a pixel turns on.</summary>
        public const float BinarisationThreshold = OnnxExportOptions.Defaults.BinarisationThreshold;

        /// <summary>Whether training is centered (see <see cref="VpfFeaturizerOptions.Centering"/>).</summary>
        public const bool Centering = true;

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
    public FlowEstimator Estimator = Defaults.Estimator;

    /// <summary>Passes over the data; ≥ 0 (0 leaves the random initial model). Default 10.</summary>
    public int Epochs = Defaults.Epochs;

    /// <summary>Rows per mini-batch; ≥ 1. Default 100.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>The descent rule. Default Adam.</summary>
    public OptimiserKind Optimiser = Defaults.Optimiser;

    /// <summary>Step size η of the optimiser; &gt; 0. Default 1e-3.</summary>
    public float LearningRate = Defaults.LearningRate;

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
    /// Train in centered coordinates (every unit's mean activity subtracted in the energy; the fitted machine is the
    /// equivalent ordinary one). Default true: the measurement behind it is in the project's results.
    /// </summary>
    public bool Centering = Defaults.Centering;

    /// <summary>
    /// Inference clamps the visible units to the grey levels clip(intensity / <see cref="MaxIntensity"/>, 0, 1) as
    /// mean-field rates instead of thresholding them (training still sees binary images). Default true.
    /// </summary>
    public bool GreyLevels = Defaults.GreyLevels;

    /// <summary>
    /// Training draws a fresh binarisation of every image each epoch (a pixel is on with probability
    /// intensity / <see cref="MaxIntensity"/>) instead of thresholding once at <see cref="BinarisationThreshold"/>. Default true.
    /// </summary>
    public bool StochasticBinarisation = Defaults.StochasticBinarisation;

    /// <summary>Whether the visible biases start at the log-odds of the training pixels' means. Default true.</summary>
    public bool InitialiseVisibleBiases = true;

    /// <summary>A shallow copy.</summary>
    internal VpfFeaturizerOptions Clone() => (VpfFeaturizerOptions)MemberwiseClone();

    /// <summary>Export options of the fitted transformer's graph.</summary>
    internal OnnxExportOptions ToExportOptions(string inputName, string outputName) => new()
    {
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

    /// <summary>Checks every option that does not need the data; throws <see cref="ArgumentOutOfRangeException"/> naming the field.</summary>
    /// <param name="forTraining">False when a trained machine is given: its layers, not <see cref="HiddenLayers"/>, bound <see cref="OutputLayers"/>.</param>
    internal void Validate(bool forTraining = true)
    {
        Check(HiddenLayers is { Length: > 0 }, nameof(HiddenLayers), "At least one hidden layer is needed.");
        for (int l = 0; l < HiddenLayers.Length; l++)
            Check(HiddenLayers[l] >= 1, nameof(HiddenLayers), $"Hidden layer {l + 1} has {HiddenLayers[l]} units; every layer needs at least 1.");
        Check(LateralLayers is not null, nameof(LateralLayers), "Give an empty array for no lateral weights.");
        foreach (int l in LateralLayers!)
            Check(l >= 0 && l <= HiddenLayers.Length, nameof(LateralLayers), $"Layer {l} does not exist; layers are 0 (visible) … {HiddenLayers.Length}.");
        if (forTraining && OutputLayers is not null) OutputLayerList.Resolve(OutputLayers, HiddenLayers.Length + 1, nameof(OutputLayers));
        Check(Enum.IsDefined(Estimator), nameof(Estimator), $"Unknown estimator {(int)Estimator}; expected Sampled, Expected or MeanField.");
        Check(Epochs >= 0, nameof(Epochs), $"Epochs must be ≥ 0; got {Epochs}.");
        Check(BatchSize >= 1, nameof(BatchSize), $"The batch size must be ≥ 1; got {BatchSize}.");
        Check(Enum.IsDefined(Optimiser), nameof(Optimiser), $"Unknown optimiser {(int)Optimiser}; expected Adam or SgdMomentum.");
        Check(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), $"The learning rate must be a finite number > 0; got {LearningRate}.");
        Check(MeanFieldSweeps >= 0, nameof(MeanFieldSweeps), $"Mean-field sweeps must be ≥ 0; got {MeanFieldSweeps}.");
        Check(Damping >= 0f && Damping < 1f, nameof(Damping), $"Damping must be in [0, 1); got {Damping}.");
        Check(MaxIntensity > 0f && float.IsFinite(MaxIntensity), nameof(MaxIntensity), $"The maximum intensity must be a finite number > 0; got {MaxIntensity}.");
        Check(BinarisationThreshold >= 0f && BinarisationThreshold <= 1f, nameof(BinarisationThreshold), $"The binarisation threshold must be in [0, 1]; got {BinarisationThreshold}.");
        Check(InitialWeightScale >= 0f && float.IsFinite(InitialWeightScale), nameof(InitialWeightScale), $"The initial weight scale must be a finite number ≥ 0; got {InitialWeightScale}.");
    }

    private static void Check(bool condition, string field, string message)
    {
        if (!condition) throw new ArgumentOutOfRangeException(field, message);
    }
}
