using Vpf.Core.Inference;

namespace Vpf.Core.Reconstruction;

/// <summary>How a <see cref="Reconstructor"/> infers pixels.</summary>
public enum ReconstructionMethod
{
    /// <summary>Deterministic mean-field sweeps over the whole model (the protocol of vpf-math.md §7). Default.</summary>
    MeanField,

    /// <summary>Average of the visible units' conditional probabilities along a block-Gibbs chain, after burn-in.</summary>
    Gibbs,
}

/// <summary>Where unknown (hidden) pixels start before inference.</summary>
public enum UnknownPixelStart
{
    /// <summary>At ½ (binary visible units), at 0 — the middle of standardised data — for Gaussian visible units. Default.</summary>
    Half,

    /// <summary>
    /// At their training-set marginal probability, or for Gaussian visible units the training column mean (the
    /// <see cref="Reconstructor"/> must be given them).
    /// </summary>
    Marginals,
}

/// <summary>Options of a <see cref="Reconstructor"/>; the defaults work on 28 × 28 binarised images.</summary>
public sealed record ReconstructionOptions
{
    /// <summary>Mean-field or Gibbs averaging. Default mean-field.</summary>
    public ReconstructionMethod Method { get; init; } = ReconstructionMethod.MeanField;

    /// <summary>
    /// Mean-field sweeps for in-filling (occlusion), each updating the unknown visible units and then every hidden
    /// layer. The iteration converges to a fixed point, so more is safe; default 30.
    /// </summary>
    public int Sweeps { get; init; } = 30;

    /// <summary>
    /// Mean-field sweeps for denoising (flips), where every visible unit is free and only its start is the noisy
    /// image. Few on purpose: the iteration forgets its start, so the fixed point of many sweeps is a mode of the
    /// model rather than a cleaned-up input. Default 1 (the classic up–down reconstruction of an RBM).
    /// </summary>
    public int DenoisingSweeps { get; init; } = 1;

    /// <summary>
    /// α in μ ← α μ_old + (1 − α) μ_new, used only in layers with lateral weights, where a parallel update of coupled
    /// units can oscillate. Default <see cref="MeanFieldSweep.DefaultDamping"/>.
    /// </summary>
    public float Damping { get; init; } = MeanFieldSweep.DefaultDamping;

    /// <summary>Start of unknown pixels (mean-field rate, or the probability of the first Gibbs sample). Default ½.</summary>
    public UnknownPixelStart UnknownStart { get; init; } = UnknownPixelStart.Half;

    /// <summary>Gibbs sweeps discarded before averaging. Default 50.</summary>
    public int GibbsBurnIn { get; init; } = 50;

    /// <summary>Gibbs sweeps whose visible probabilities are averaged. Default 200.</summary>
    public int GibbsSamples { get; init; } = 200;

    /// <summary>Seed of the Gibbs chains (mean-field uses no randomness).</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Method)) throw new InvalidOptionsException(nameof(Method), $"unknown method {(int)Method}.");
        if (!Enum.IsDefined(UnknownStart)) throw new InvalidOptionsException(nameof(UnknownStart), $"unknown start {(int)UnknownStart}.");
        if (Sweeps < 0) throw new InvalidOptionsException(nameof(Sweeps), $"must be ≥ 0; got {Sweeps}.");
        if (DenoisingSweeps < 0) throw new InvalidOptionsException(nameof(DenoisingSweeps), $"must be ≥ 0; got {DenoisingSweeps}.");
        if (!(Damping >= 0f && Damping < 1f)) throw new InvalidOptionsException(nameof(Damping), $"must be in [0, 1); got {Damping}.");
        if (GibbsBurnIn < 0) throw new InvalidOptionsException(nameof(GibbsBurnIn), $"must be ≥ 0; got {GibbsBurnIn}.");
        if (GibbsSamples < 1) throw new InvalidOptionsException(nameof(GibbsSamples), $"must be ≥ 1; got {GibbsSamples}.");
    }
}
