namespace Vpf.Core.Training;

/// <summary>How VPF turns the mean-field firing rates of the hidden units into the joint states the flow is measured on (vpf-math.md §3.2).</summary>
public enum FlowEstimator
{
    /// <summary>
    /// Draw spikes h ~ Bernoulli(μ) and apply the binary MPF term to the joint state. Unbiased for the expected
    /// objective and as cheap as a matrix product. The default.
    /// </summary>
    Sampled = 0,

    /// <summary>
    /// The exact expectation of the binary flow under the factorised q, in closed form. A transcendental per
    /// (datum, unit, neighbour): for research and as the oracle for <see cref="Sampled"/>.
    /// </summary>
    Expected = 1,

    /// <summary>
    /// Plug the rates in as states (x = μ). Deterministic and cheap, but degenerate for deep models: at a mean-field
    /// fixed point δ of every hidden unit is exactly 0, so the weights between hidden layers never learn; only the
    /// visible layer's terms carry gradient.
    /// </summary>
    MeanField = 2,
}
