using System.Text.Json.Serialization;
using Vpf.Core.Inference;

namespace Vpf.Core.Training;

/// <summary>Options of the VPF objective: how the E-step runs and which estimator turns rates into states.</summary>
public sealed record VpfOptions
{
    /// <summary>Default number of mean-field sweeps after the bottom-up initialisation.</summary>
    public const int DefaultMeanFieldSweeps = 10;

    /// <summary>Estimator of the flow on joint states. Default <see cref="FlowEstimator.Sampled"/>.</summary>
    public FlowEstimator Estimator { get; init; } = FlowEstimator.Sampled;

    /// <summary>Mean-field sweeps T of the E-step (an RBM without laterals needs none: its bottom-up pass is exact).</summary>
    public int MeanFieldSweeps { get; init; } = DefaultMeanFieldSweeps;

    /// <summary>Damping α of the mean-field update in layers with lateral weights.</summary>
    public float Damping { get; init; } = MeanFieldSweep.DefaultDamping;

    /// <summary>Spike samples per datum for <see cref="FlowEstimator.Sampled"/>; K and the gradient average over them.</summary>
    public int SamplesPerDatum { get; init; } = 1;

    /// <summary>
    /// Also connect every joint state x to the state with every bit flipped, 1 − x (Sohl-Dickstein, Battaglino &amp;
    /// DeWeese 2011): K gains per row the term exp(½ (E(x) − E(1 − x))) (vpf-math.md §10.1). Binary visible units only.
    /// Default false. Left out of the options JSON when false, so that records of runs without it read as before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool AllBitsFlipped { get; init; }

    /// <summary>
    /// Persistent samples M: binary joint states of M persistent Gibbs chains of the model, each connected to every data
    /// state as an extra flow connection (persistent MPF of Im, Buchman &amp; Taylor; vpf-math.md §10.2). 0 (the default)
    /// trains without them. The term added to K is λ log K̄_P, the logarithm of the mean flow
    /// K̄_P = (1/(BM)) Σ_r Σ_s exp(½(E(x_r) − E(x'_s))) over the B data and M chain states (the raw sum overflows at image
    /// size), so the reported objective, single-flip K + λ log K̄_P, may be negative. The term needs Gibbs sampling, so
    /// with it VPF leaves the no-sampling regime.
    /// </summary>
    public int PersistentSamples { get; init; }

    /// <summary>
    /// Full Gibbs sweeps G (odd layers, then even layers) of the persistent chains before each batch, used only when
    /// <see cref="PersistentSamples"/> &gt; 0; ≥ 1. Default 1.
    /// </summary>
    public int PersistentGibbsSweeps { get; init; } = 1;

    /// <summary>
    /// Weight λ &gt; 0 of the persistent-sample term λ log K̄_P relative to the single-flip flow (used only when
    /// <see cref="PersistentSamples"/> &gt; 0). Its gradient is a weighted contrast of data and chain statistics, each entry
    /// at most λ/2 in magnitude (states in [0, 1]) whatever the energies. Default 1.
    /// </summary>
    public float PersistentFlowWeight { get; init; } = 1f;

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Estimator))
            throw new InvalidOptionsException(nameof(Estimator), $"unknown estimator {(int)Estimator}; expected Sampled, Expected or MeanField.");
        if (MeanFieldSweeps < 0)
            throw new InvalidOptionsException(nameof(MeanFieldSweeps), $"must be ≥ 0; got {MeanFieldSweeps}.");
        if (!(Damping >= 0f && Damping < 1f))
            throw new InvalidOptionsException(nameof(Damping), $"must be in [0, 1); got {Damping}.");
        if (SamplesPerDatum < 1)
            throw new InvalidOptionsException(nameof(SamplesPerDatum), $"must be ≥ 1; got {SamplesPerDatum}.");
        if (PersistentSamples < 0)
            throw new InvalidOptionsException(nameof(PersistentSamples), $"must be ≥ 0 (0: no persistent samples); got {PersistentSamples}.");
        if (PersistentGibbsSweeps < 1)
            throw new InvalidOptionsException(nameof(PersistentGibbsSweeps), $"must be ≥ 1; got {PersistentGibbsSweeps}.");
        if (!(PersistentFlowWeight > 0f && float.IsFinite(PersistentFlowWeight)))
            throw new InvalidOptionsException(nameof(PersistentFlowWeight), $"must be a finite number > 0; got {PersistentFlowWeight}.");
        // The Expected estimator sums the flow over q's hidden states in closed form; under a factorised q the mean of
        // exp(½E(x)) factorises only when no two hidden units share a term of E (an RBM), so it is not offered.
        if (PersistentSamples > 0 && Estimator == FlowEstimator.Expected)
            throw new InvalidOptionsException(nameof(PersistentSamples), $"needs the Sampled or MeanField estimator; got {PersistentSamples} persistent samples with the Expected estimator.");
    }
}
