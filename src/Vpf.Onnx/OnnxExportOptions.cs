using Vpf.Core.Data;
using Vpf.Core.Inference;

namespace Vpf.Onnx;

/// <summary>
/// What the exported ONNX graph computes: how pixels are binarised, how many mean-field sweeps are unrolled with which
/// damping, which hidden layers' firing rates form the output, and the names of the graph's input and output.
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>Defaults, shared with the ML.NET featurizer's options.</summary>
    public static class Defaults
    {
        /// <summary>Mean-field sweeps after the bottom-up initialisation.</summary>
        public const int MeanFieldSweeps = 10;

        /// <summary>Damping α of layers with lateral weights.</summary>
        public const float Damping = MeanFieldSweep.DefaultDamping;

        /// <summary>Largest pixel intensity.</summary>
        public const float MaxIntensity = 255f;

        /// <summary>A pixel is on when intensity ≥ this fraction of <see cref="MaxIntensity"/>.</summary>
        public const float BinarisationThreshold = 0.5f;

        /// <summary>Name of the graph's input.</summary>
        public const string InputName = "pixels";

        /// <summary>Name of the graph's output.</summary>
        public const string OutputName = "features";
    }

    /// <summary>Mean-field sweeps T unrolled after the bottom-up initialisation (an RBM without laterals runs none). Default 10.</summary>
    public int MeanFieldSweeps { get; init; } = Defaults.MeanFieldSweeps;

    /// <summary>Damping α in μ ← αμ + (1 − α)σ(u), used in layers with lateral weights; in [0, 1). Default 0.5.</summary>
    public float Damping { get; init; } = Defaults.Damping;

    /// <summary>
    /// Hidden layers (1 … L, in any order, no repeats) whose firing rates are concatenated, in the order given, into the
    /// output. Null: the top layer only.
    /// </summary>
    public IReadOnlyList<int>? OutputLayers { get; init; }

    /// <summary>
    /// Whether the graph binarises its input (pixel on when intensity ≥ <see cref="BinarisationThreshold"/> ×
    /// <see cref="MaxIntensity"/>, compared in single precision). False: the input must already be 0/1 (or rates in
    /// [0, 1], which the graph then uses as they are). Default true.
    /// </summary>
    public bool Binarise { get; init; } = true;

    /// <summary>
    /// Whether the visible units are clamped to the grey levels themselves, as mean-field rates
    /// clip(intensity / <see cref="MaxIntensity"/>, 0, 1), instead of a binarisation: an intensity is the probability of
    /// a pixel being on, and thresholding it throws that away. Takes precedence over <see cref="Binarise"/>. Default false.
    /// </summary>
    public bool GreyLevels { get; init; }

    /// <summary>Largest intensity of the input (e.g. 255 for bytes, 1 for normalised images); &gt; 0. Default 255.</summary>
    public float MaxIntensity { get; init; } = Defaults.MaxIntensity;

    /// <summary>Fraction of <see cref="MaxIntensity"/> at which a pixel turns on; in [0, 1]. Default 0.5, as the core's threshold binarisation.</summary>
    public float BinarisationThreshold { get; init; } = Defaults.BinarisationThreshold;

    /// <summary>Name of the graph input, a float tensor [batch, visible units]. Default "pixels".</summary>
    public string InputName { get; init; } = Defaults.InputName;

    /// <summary>Name of the graph output, a float tensor [batch, Σ sizes of the output layers]. Default "features".</summary>
    public string OutputName { get; init; } = Defaults.OutputName;

    /// <summary>
    /// A second graph input of shape [batch, 1] whose value (0 for every accepted row) is added to the input, or null:
    /// the ML.NET featurizer feeds it from its pixel check so that the check runs before the graph (see <see cref="PixelCheckGraph"/>).
    /// </summary>
    internal string? GateInput { get; init; }

    /// <summary>
    /// For a machine with Gaussian visible units: the per-column standardisation z = (x − mean) / scale, computed on the
    /// training rows, that the graph applies to its raw input before inference, so that the graph (and a file holding
    /// it) takes rows on the data's own scale. Null: the input is taken as already standardised. Must be null for binary
    /// visible units, and have one column per visible unit. With Gaussian visible units the binarisation options
    /// (<see cref="Binarise"/>, <see cref="GreyLevels"/>, <see cref="MaxIntensity"/>, <see cref="BinarisationThreshold"/>)
    /// are not used and the graph refuses a value that is NaN or infinite, or whose standardised value is. Default null.
    /// </summary>
    public Standardisation? Standardisation { get; init; }

    /// <summary>The intensity at and above which a pixel is on: <see cref="BinarisationThreshold"/> × <see cref="MaxIntensity"/> in single precision.</summary>
    public float ThresholdIntensity => BinarisationThreshold * MaxIntensity;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of range for a model with
    /// <paramref name="layerCount"/> layers (visible included).
    /// </summary>
    public void Validate(int layerCount)
    {
        if (MeanFieldSweeps < 0)
            throw new ArgumentOutOfRangeException(nameof(MeanFieldSweeps), MeanFieldSweeps, "Mean-field sweeps must be ≥ 0.");
        if (!(Damping >= 0f && Damping < 1f))
            throw new ArgumentOutOfRangeException(nameof(Damping), Damping, "Damping must be in [0, 1).");
        if (!(MaxIntensity > 0f) || !float.IsFinite(MaxIntensity))
            throw new ArgumentOutOfRangeException(nameof(MaxIntensity), MaxIntensity, "The maximum intensity must be a finite number > 0.");
        if (!(BinarisationThreshold >= 0f && BinarisationThreshold <= 1f))
            throw new ArgumentOutOfRangeException(nameof(BinarisationThreshold), BinarisationThreshold, "The binarisation threshold must be a fraction in [0, 1].");
        if (string.IsNullOrEmpty(InputName))
            throw new ArgumentOutOfRangeException(nameof(InputName), InputName, "The input name must not be empty.");
        if (string.IsNullOrEmpty(OutputName))
            throw new ArgumentOutOfRangeException(nameof(OutputName), OutputName, "The output name must not be empty.");
        if (InputName == OutputName)
            throw new ArgumentOutOfRangeException(nameof(OutputName), OutputName, "The output name must differ from the input name: ONNX values are named once.");
        OutputLayerList.Resolve(OutputLayers, layerCount, nameof(OutputLayers));
    }
}
