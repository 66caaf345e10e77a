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
    }
}
