using Vpf.Core.Reconstruction;
using Vpf.Core.Training;

namespace Vpf.Core.Evaluation.Report;

/// <summary>
/// Settings of the evaluation by <see cref="ModelEvaluator"/>: the seed, how many test images, and one settings record per
/// section — set a section to null to skip it.
/// </summary>
public sealed record EvaluationOptions
{
    /// <summary>Seed of every random choice (corruptions, AIS, Gibbs chains): the same seed gives the same report, timings apart.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Use at most the first this many test images in every section (null: all). Default 1,000.</summary>
    public int? MaxTestRows { get; init; } = 1000;

    /// <summary>Held-out objective K of the training method and clean reconstruction cross-entropy; null skips it (always skipped for Gaussian visible units).</summary>
    public HeldOutSectionOptions? HeldOut { get; init; } = new();

    /// <summary>Corrupted-image reconstruction against the trivial predictors (squared error for Gaussian visible units); null skips it.</summary>
    public ReconstructionSectionOptions? Reconstruction { get; init; } = new();

    /// <summary>Test log-likelihood (exact, AIS, variational bound); null skips it.</summary>
    public LogLikelihoodSectionOptions? LogLikelihood { get; init; } = new();

    /// <summary>Parzen-window log-likelihood of Gibbs samples; null skips it (always skipped for Gaussian visible units).</summary>
    public ParzenSectionOptions? Parzen { get; init; } = new();

    /// <summary>Linear probe of the hidden rates against raw pixels; null skips it (it is also skipped when a set has no labels).</summary>
    public LinearProbeSectionOptions? LinearProbe { get; init; } = new();

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (MaxTestRows is < 1) throw new InvalidOptionsException(nameof(MaxTestRows), $"must be ≥ 1 or null; got {MaxTestRows}.");
        HeldOut?.Validate();
        Reconstruction?.Validate();
        LogLikelihood?.Validate();
        Parzen?.Validate();
        LinearProbe?.Validate();
    }
}

/// <summary>Settings of the held-out section.</summary>
public sealed record HeldOutSectionOptions
{
    /// <summary>
    /// The method whose objective K is measured; null (the default) reads it from the model file's provenance, and
    /// takes VPF when there is no provenance. K is reported only for flow methods (<see cref="TrainingMethod.IsFlow"/>)
    /// that can train the model.
    /// </summary>
    public TrainingMethod? Method { get; init; }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Method is { } method)
        {
            try
            {
                method.Validate();
            }
            catch (InvalidOptionsException e)
            {
                throw e.Within(nameof(Method));
            }
        }
    }
}

/// <summary>Settings of the reconstruction section.</summary>
public sealed record ReconstructionSectionOptions
{
    /// <summary>Fraction of pixels flipped by the denoising corruption (null: no flips; binary visible units only). Default 0.1.</summary>
    public double? FlipFraction { get; init; } = 0.1;

    /// <summary>
    /// Further fractions of flipped pixels, each a corruption of its own, reported after <see cref="FlipFraction"/>'s in
    /// this order (e.g. [0.2, 0.3] beside the default 0.1). Default none.
    /// </summary>
    public IReadOnlyList<double> AdditionalFlipFractions { get; init; } = [];

    /// <summary>Hide the bottom half of every image (needs an image shape; skipped without one). Default true.</summary>
    public bool HideBottomHalf { get; init; } = true;

    /// <summary>Side of a randomly placed hidden square (null: none). Default null.</summary>
    public int? RandomSquareSize { get; init; }

    /// <summary>
    /// Gaussian visible units only: σ of the Gaussian noise added to the (standardised) values, in place of flips (null: no
    /// noise). Default 0.5.
    /// </summary>
    public double? NoiseStandardDeviation { get; init; } = 0.5;

    /// <summary>
    /// Gaussian visible units only: the fraction of each row's values hidden at random (null: none), an occlusion that
    /// needs no image shape. Default 0.25.
    /// </summary>
    public double? HiddenFraction { get; init; } = 0.25;

    /// <summary>How the model infers the pixels (its <see cref="ReconstructionOptions.Seed"/> is replaced by the evaluation's seed).</summary>
    public ReconstructionOptions Inference { get; init; } = new();

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (FlipFraction is { } f && !(f >= 0 && f <= 1)) throw new InvalidOptionsException(nameof(FlipFraction), $"must be in [0, 1]; got {f}.");
        if (AdditionalFlipFractions is null) throw new InvalidOptionsException(nameof(AdditionalFlipFractions), "must not be null; use an empty list for none.");
        foreach (double g in AdditionalFlipFractions)
            if (!(g >= 0 && g <= 1)) throw new InvalidOptionsException(nameof(AdditionalFlipFractions), $"every fraction must be in [0, 1]; got {g}.");
        if (RandomSquareSize is < 1) throw new InvalidOptionsException(nameof(RandomSquareSize), $"must be ≥ 1; got {RandomSquareSize}.");
        if (NoiseStandardDeviation is { } sigma && !(double.IsFinite(sigma) && sigma > 0))
            throw new InvalidOptionsException(nameof(NoiseStandardDeviation), $"must be finite and positive; got {sigma}.");
        if (HiddenFraction is { } h && !(h > 0 && h <= 1)) throw new InvalidOptionsException(nameof(HiddenFraction), $"must be in (0, 1]; got {h}.");
        Inference.Validate();
    }
}

/// <summary>Settings of the log-likelihood section.</summary>
public sealed record LogLikelihoodSectionOptions
{
    /// <summary>The number of temperatures of Salakhutdinov &amp; Murray (2008), used by default.</summary>
    public const int PaperTemperatures = 14500;

    /// <summary>AIS runs (0 skips AIS). Default 100.</summary>
    public int AisRuns { get; init; } = 100;

    /// <summary>AIS temperatures K, laid out by <see cref="Schedule"/> (unless <see cref="AisSchedule"/> is set). Default 14,500.</summary>
    public int AisTemperatures { get; init; } = PaperTemperatures;

    /// <summary>
    /// An explicit AIS schedule, e.g. <see cref="Evaluation.AisSchedule.Piecewise"/> with stage lengths of one's own;
    /// when set it is used instead of <see cref="AisTemperatures"/>, which is then ignored. Default null.
    /// </summary>
    public AisSchedule? AisSchedule { get; init; }

    /// <summary>Compute the exact value by enumeration when at most <see cref="MaxExactUnits"/> units must be enumerated. Default true.</summary>
    public bool Exact { get; init; } = true;

    /// <summary>
    /// Largest number of enumerated units (for log Z, and for a DBM also per test image) for the exact value; at most
    /// <see cref="ExactLikelihood.MaxEnumeratedUnits"/>. Default 20 (2^20 states: seconds on small models).
    /// </summary>
    public int MaxExactUnits { get; init; } = 20;

    /// <summary>Mean-field sweeps of the variational lower bound (DBMs). Default <see cref="VariationalBound.DefaultSweeps"/>.</summary>
    public int MeanFieldSweeps { get; init; } = VariationalBound.DefaultSweeps;

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (AisRuns < 0) throw new InvalidOptionsException(nameof(AisRuns), $"must be ≥ 0; got {AisRuns}.");
        if (AisTemperatures < 1) throw new InvalidOptionsException(nameof(AisTemperatures), $"must be ≥ 1; got {AisTemperatures}.");
        if (MaxExactUnits < 0 || MaxExactUnits > ExactLikelihood.MaxEnumeratedUnits)
            throw new InvalidOptionsException(nameof(MaxExactUnits), $"must be in [0, {ExactLikelihood.MaxEnumeratedUnits}]; got {MaxExactUnits}.");
        if (MeanFieldSweeps < 1) throw new InvalidOptionsException(nameof(MeanFieldSweeps), $"must be ≥ 1; got {MeanFieldSweeps}.");
    }

    /// <summary>
    /// The schedule of <paramref name="temperatures"/> inverse temperatures with the paper's shape: 500/14,500 of them up
    /// to β = 0.5, 4,000/14,500 up to 0.9 and the rest up to 1 (exactly <see cref="AisSchedule.Default"/> for 14,500);
    /// below 3 temperatures, equal steps.
    /// </summary>
    internal static AisSchedule Schedule(int temperatures)
    {
        if (temperatures < 1) throw new InvalidOptionsException(nameof(temperatures), $"must be ≥ 1; got {temperatures}.");
        if (temperatures == PaperTemperatures) return AisSchedule.Default;
        if (temperatures < 3) return AisSchedule.Uniform(temperatures);
        int first = Math.Max(1, (int)Math.Round(temperatures * 500.0 / PaperTemperatures));
        int second = Math.Max(1, (int)Math.Round(temperatures * 4000.0 / PaperTemperatures));
        int third = temperatures - first - second;
        if (third < 1) return AisSchedule.Uniform(temperatures);
        return AisSchedule.Piecewise((0.5, first), (0.9, second), (1.0, third));
    }
}

/// <summary>Settings of the Parzen-window section.</summary>
public sealed record ParzenSectionOptions
{
    /// <summary>Independent Gibbs chains, started from random states. Default 100.</summary>
    public int Chains { get; init; } = 100;

    /// <summary>Recordings per chain (samples = Chains × SamplesPerChain). Default 10.</summary>
    public int SamplesPerChain { get; init; } = 10;

    /// <summary>Gibbs sweeps before the first recording. Default 200.</summary>
    public int BurnIn { get; init; } = 200;

    /// <summary>Gibbs sweeps between recordings. Default 20.</summary>
    public int Thinning { get; init; } = 20;

    /// <summary>
    /// Use the visible probabilities of the sweep that drew each sample (the smoother "mean" images usually shown) instead
    /// of its 0/1 states. Default true.
    /// </summary>
    public bool UseProbabilities { get; init; } = true;

    /// <summary>
    /// Test images that choose σ (the first ones of the test images); the rest are scored. When fewer than twice this
    /// many test images are used, the first half chooses σ. Default 500.
    /// </summary>
    public int ValidationRows { get; init; } = 500;

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Chains < 1) throw new InvalidOptionsException(nameof(Chains), $"must be ≥ 1; got {Chains}.");
        if (SamplesPerChain < 1) throw new InvalidOptionsException(nameof(SamplesPerChain), $"must be ≥ 1; got {SamplesPerChain}.");
        if (BurnIn < 0) throw new InvalidOptionsException(nameof(BurnIn), $"must be ≥ 0; got {BurnIn}.");
        if (Thinning < 1) throw new InvalidOptionsException(nameof(Thinning), $"must be ≥ 1; got {Thinning}.");
        if (ValidationRows < 1) throw new InvalidOptionsException(nameof(ValidationRows), $"must be ≥ 1; got {ValidationRows}.");
    }
}

/// <summary>Settings of the linear-probe section.</summary>
public sealed record LinearProbeSectionOptions
{
    /// <summary>Hidden layers whose rates are concatenated (null: all hidden layers).</summary>
    public IReadOnlyList<int>? Layers { get; init; }

    /// <summary>The probe's options (training rows, sweeps, classifier). Default: the first 2,000 training images.</summary>
    public LinearProbeOptions Probe { get; init; } = new() { MaxTrainRows = 2000 };

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate() => Probe.Validate();
}
