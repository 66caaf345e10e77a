using System.Text.Json;
using System.Text.Json.Serialization;
using Vpf.Core.Persistence;
using Vpf.Core.Reconstruction;
using Vpf.Core.Training;

namespace Vpf.Core.Evaluation.Report;

/// <summary>
/// Everything the evaluation by <see cref="ModelEvaluator"/> measured for one model on one data set: the model and data, the
/// seed, and one section per kind of evaluation (null when switched off), each with its wall-clock seconds. The same
/// model, data, options and seed give the same report apart from the timings (compare <see cref="WithoutTimings"/>).
/// </summary>
/// <param name="Model">The model evaluated.</param>
/// <param name="Data">The data it was evaluated on.</param>
/// <param name="Seed">The seed of every random choice.</param>
/// <param name="Reconstruction">Corrupted-image reconstruction, one entry per corruption; null when skipped (and for Gaussian
/// visible units, whose reconstruction is <see cref="Denoising"/>).</param>
/// <param name="HeldOut">Held-out objective and clean reconstruction cross-entropy; null when skipped (and for Gaussian visible units).</param>
/// <param name="LogLikelihood">Test log-likelihood; null when skipped.</param>
/// <param name="Parzen">Parzen-window log-likelihood of generated samples; null when skipped (and for Gaussian visible units).</param>
/// <param name="LinearProbe">Linear probe of the hidden rates against raw pixels; null when skipped.</param>
/// <param name="Seconds">Wall-clock seconds of the whole evaluation.</param>
public sealed record EvaluationReport(
    ModelDescription Model, DataDescription Data, int Seed,
    ReconstructionSection? Reconstruction, LogLikelihoodSection? LogLikelihood, ParzenSection? Parzen,
    LinearProbeSection? LinearProbe, double Seconds, HeldOutSection? HeldOut = null)
{
    /// <summary>Identifies the JSON layout; it changes when a field changes meaning.</summary>
    public string Format { get; init; } = "vpf-evaluation/1";

    /// <summary>
    /// For Gaussian visible units, the reconstruction of corrupted real values scored by squared error (in place of
    /// <see cref="Reconstruction"/>, which is for binary pixels); null otherwise (and then absent from the JSON).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SquaredErrorSection? Denoising { get; init; }

    /// <summary>The same report with every timing set to 0: two runs with the same seed give equal JSON of this.</summary>
    public EvaluationReport WithoutTimings() => this with
    {
        Seconds = 0,
        HeldOut = HeldOut is null ? null : HeldOut with { Seconds = 0 },
        Reconstruction = Reconstruction is null ? null : new ReconstructionSection(
            Reconstruction.Corruptions.Select(c => c with { Seconds = 0 }).ToArray(), 0),
        LogLikelihood = LogLikelihood is null ? null : LogLikelihood with
        {
            Seconds = 0,
            Exact = LogLikelihood.Exact is null ? null : LogLikelihood.Exact with { Seconds = 0 },
            Ais = LogLikelihood.Ais is null ? null : LogLikelihood.Ais with { Seconds = 0 },
        },
        Parzen = Parzen is null ? null : Parzen with { Seconds = 0 },
        Denoising = Denoising is null ? null : new SquaredErrorSection(Denoising.Corruptions.Select(c => c with { Seconds = 0 }).ToArray(), 0),
        LinearProbe = LinearProbe is null ? null : LinearProbe with { Seconds = 0, Result = LinearProbe.Result with { Seconds = 0, PixelSeconds = 0 } },
    };

    /// <summary>Indented JSON: camelCase names, enums as names, NaN and ±∞ as "NaN", "Infinity", "-Infinity".</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not such a report.</exception>
    public static EvaluationReport FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<EvaluationReport>(json, Json) ?? throw new JsonException("Expected a JSON object; got null.");
    }

    // One JSON convention for everything the library writes: camelCase, enums as names, NaN and ±∞ kept.
    private static JsonSerializerOptions Json => OptionsJson.SerializerOptions;
}

/// <summary>The model evaluated.</summary>
/// <param name="Architecture">Written like "784-500L-1000" (an 'L' marks lateral weights).</param>
/// <param name="LayerSizes">Units per layer, visible first.</param>
/// <param name="Lateral">Which layers have lateral weights.</param>
/// <param name="ParameterCount">Weights, biases and lateral entries (n² per lateral matrix).</param>
/// <param name="IsRbm">Two layers, no hidden laterals.</param>
/// <param name="Training">How it was trained, when known.</param>
public sealed record ModelDescription(
    string Architecture, IReadOnlyList<int> LayerSizes, IReadOnlyList<bool> Lateral, long ParameterCount, bool IsRbm,
    TrainingProvenance? Training);

/// <summary>Training provenance, as stored in a model file.</summary>
/// <param name="Method">Training method, e.g. "vpf", "cd".</param>
/// <param name="EpochsCompleted">Epochs completed.</param>
/// <param name="Seed">Seed of training.</param>
/// <param name="TrainingOptionsJson">The training options as JSON.</param>
/// <param name="ObjectiveOptionsJson">The objective's options as JSON.</param>
/// <param name="CreatedUtc">When the model was saved.</param>
public sealed record TrainingProvenance(
    string? Method, int EpochsCompleted, int? Seed, string? TrainingOptionsJson, string? ObjectiveOptionsJson, DateTime CreatedUtc);

/// <summary>The data evaluated on.</summary>
/// <param name="Source">Where the data came from (free text), when known.</param>
/// <param name="TrainRows">Training images available (marginals, probe).</param>
/// <param name="TestRows">Test images used.</param>
/// <param name="Dimension">Pixels per image.</param>
/// <param name="ImageRows">Image height (0 when unknown).</param>
/// <param name="ImageColumns">Image width (0 when unknown).</param>
/// <param name="HasLabels">Both sets have labels.</param>
public sealed record DataDescription(string? Source, int TrainRows, int TestRows, int Dimension, int ImageRows, int ImageColumns, bool HasLabels);

/// <summary>The cheap held-out numbers a training curve also records (<see cref="HeldOutMetrics"/>).</summary>
/// <param name="Rows">Test images used.</param>
/// <param name="Method">Persisted name of the method whose objective was measured; null when none was.</param>
/// <param name="K">That method's objective on the test images at <see cref="HeldOutMetrics.RandomKey"/>; null when the method is unknown, not a flow, or cannot train the model.</param>
/// <param name="ReconstructionCrossEntropy">Cross-entropy (nats/image) of the visible probabilities after one mean-field up-down pass from the clean image; null for a fully visible model.</param>
/// <param name="PixelMarginals">Baseline: the same cross-entropy of the training-set pixel marginals.</param>
/// <param name="Sweeps">Mean-field sweeps of the up pass (the method's own).</param>
/// <param name="Seconds">Wall-clock seconds of the section.</param>
public sealed record HeldOutSection(int Rows, string? Method, double? K, double? ReconstructionCrossEntropy, double PixelMarginals, int Sweeps, double Seconds);

/// <summary>Reconstruction of corrupted test images by the model, beside the two trivial predictors.</summary>
/// <param name="Corruptions">One entry per corruption.</param>
/// <param name="Seconds">Wall-clock seconds of the section.</param>
public sealed record ReconstructionSection(IReadOnlyList<CorruptionResult> Corruptions, double Seconds);

/// <summary>The scores of one corruption (see <see cref="ReconstructionReport"/>).</summary>
/// <param name="Corruption">Description of the corruption.</param>
/// <param name="Kind">Flips or occlusion.</param>
/// <param name="Method">How the model inferred the pixels.</param>
/// <param name="Images">Test images.</param>
/// <param name="Model">The model's scores.</param>
/// <param name="CorruptedInput">Scores of the corrupted input left as it is.</param>
/// <param name="MajorityFill">Scores of the training-set majority fill.</param>
/// <param name="Seconds">Wall-clock seconds of the model's inference.</param>
public sealed record CorruptionResult(
    string Corruption, CorruptionKind Kind, ReconstructionMethod Method, int Images,
    ReconstructionScores Model, ReconstructionScores CorruptedInput, ReconstructionScores MajorityFill, double Seconds)
{
    /// <summary>Copies a <see cref="ReconstructionReport"/>.</summary>
    internal static CorruptionResult From(ReconstructionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.Corruption, report.Kind, report.Method, report.Images, report.Model, report.CorruptedInput, report.MajorityFill, report.Seconds);
    }
}

/// <summary>Reconstruction of corrupted real values by a model with Gaussian visible units, beside the trivial predictors.</summary>
/// <param name="Corruptions">One entry per corruption (Gaussian noise, hidden values).</param>
/// <param name="Seconds">Wall-clock seconds of the section.</param>
public sealed record SquaredErrorSection(IReadOnlyList<SquaredErrorReport> Corruptions, double Seconds);

/// <summary>
/// Mean test log-likelihood in nats per image (per row). For Gaussian visible units the numbers are densities on the
/// scale the model sees (standardised data); <see cref="DataScale"/> gives them on the data's own scale.
/// </summary>
/// <param name="Rows">Test images scored.</param>
/// <param name="IndependentPixels">Baseline: independent Bernoulli pixels with the training marginals (clipped to [10⁻³, 1 − 10⁻³]);
/// for Gaussian visible units independent Gaussians with the training columns' means and variances (variance floored at 10⁻⁴).</param>
/// <param name="Exact">The exact value by enumeration; null when the model is too large or it was not asked for.</param>
/// <param name="Ais">The AIS estimate; null when AIS was skipped.</param>
/// <param name="Seconds">Wall-clock seconds of the section.</param>
public sealed record LogLikelihoodSection(int Rows, double IndependentPixels, ExactLogLikelihood? Exact, AisLogLikelihood? Ais, double Seconds)
{
    /// <summary>
    /// The same log-likelihoods on the data's own scale, when the model has Gaussian visible units and the standardisation
    /// of its data was given; null otherwise (and then absent from the JSON).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DataScaleLogLikelihood? DataScale { get; init; }
}

/// <summary>
/// Log-likelihoods (nats per row) on the data's own scale: log p(x) = log p(z) − Σ_i log s_i for the standardisation
/// z = (x − μ) / s (vpf-math.md §9), each the standardised-scale value of <see cref="LogLikelihoodSection"/> minus
/// <paramref name="LogDeterminant"/>.
/// </summary>
/// <param name="LogDeterminant">Σ_i log s_i of the standardisation.</param>
/// <param name="IndependentPixels">The independent-columns baseline.</param>
/// <param name="Exact">The exact mean log-likelihood; null when it was not computed.</param>
/// <param name="Ais">The AIS mean log-likelihood (or bound); null when AIS was skipped.</param>
/// <param name="AisLower">Its lower end (log Z at its upper bound); null when AIS was skipped.</param>
/// <param name="AisUpper">Its upper end (log Z at its lower bound); null when AIS was skipped.</param>
public sealed record DataScaleLogLikelihood(double LogDeterminant, double IndependentPixels, double? Exact, double? Ais, double? AisLower, double? AisUpper);

/// <summary>The exact log-likelihood by enumeration.</summary>
/// <param name="LogPartition">Exact log Z.</param>
/// <param name="MeanLogLikelihood">Exact mean log p(v).</param>
/// <param name="MeanFieldLowerBound">For a DBM, the mean-field lower bound with the exact log Z (never above <paramref name="MeanLogLikelihood"/>); null for an RBM.</param>
/// <param name="EnumeratedUnits">Units enumerated for log Z.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
public sealed record ExactLogLikelihood(double LogPartition, double MeanLogLikelihood, double? MeanFieldLowerBound, int EnumeratedUnits, double Seconds);

/// <summary>What <see cref="AisLogLikelihood.MeanLogLikelihood"/> is.</summary>
public enum AisLikelihoodKind
{
    /// <summary>An RBM: mean −F(v) − log Z, an estimate of the log-likelihood itself.</summary>
    FreeEnergy,

    /// <summary>A DBM: the mean-field variational lower bound on log p(v) with the AIS log Z (Salakhutdinov &amp; Hinton 2009).</summary>
    VariationalLowerBound,
}

/// <summary>The test log-likelihood with log Z from annealed importance sampling.</summary>
/// <param name="Kind">Free energy (RBM) or variational lower bound (DBM).</param>
/// <param name="LogPartition">The AIS estimate of log Z with its ±3σ bounds.</param>
/// <param name="MeanLogLikelihood">Mean log p(v) (RBM) or its lower bound (DBM) with the estimated log Z.</param>
/// <param name="Lower">The same with log Z at its upper bound.</param>
/// <param name="Upper">The same with log Z at its lower bound (+∞ when that bound is −∞).</param>
/// <param name="Seconds">Wall-clock seconds of AIS and the bound.</param>
public sealed record AisLogLikelihood(AisLikelihoodKind Kind, AisEstimate LogPartition, double MeanLogLikelihood, double Lower, double Upper, double Seconds);

/// <summary>Parzen-window log-likelihood of test images under samples drawn from the model by Gibbs sampling.</summary>
/// <param name="Samples">Number of samples (chains × recordings).</param>
/// <param name="Chains">Gibbs chains.</param>
/// <param name="BurnIn">Sweeps before the first recording.</param>
/// <param name="Thinning">Sweeps between recordings.</param>
/// <param name="UsedProbabilities">Samples were the visible probabilities rather than 0/1 states.</param>
/// <param name="ValidationRows">Test images that chose σ.</param>
/// <param name="TestRows">Test images scored.</param>
/// <param name="Model">The estimate under the model's samples.</param>
/// <param name="TrainingImages">Reference: the same estimate with as many training images in place of the samples.</param>
/// <param name="Seconds">Wall-clock seconds (sampling included).</param>
public sealed record ParzenSection(
    int Samples, int Chains, int BurnIn, int Thinning, bool UsedProbabilities, int ValidationRows, int TestRows,
    ParzenEstimate Model, ParzenEstimate TrainingImages, double Seconds);

/// <summary>Linear probe of mean-field hidden rates against the same probe on raw pixels.</summary>
/// <param name="Result">The probe's result.</param>
/// <param name="Seconds">Wall-clock seconds of the section.</param>
public sealed record LinearProbeSection(LinearProbeResult Result, double Seconds);

/// <summary>Progress of an evaluation by <see cref="ModelEvaluator"/>: a section starting or finished.</summary>
/// <param name="Section">Section name: "held-out", "reconstruction", "log-likelihood", "parzen", "linear probe".</param>
/// <param name="Index">0-based index among the sections that run.</param>
/// <param name="Count">Number of sections that run.</param>
/// <param name="Finished">False when the section starts, true when it ends.</param>
/// <param name="Seconds">Seconds the section took (0 when it starts).</param>
public sealed record EvaluationProgress(string Section, int Index, int Count, bool Finished, double Seconds);
