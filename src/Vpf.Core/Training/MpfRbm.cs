using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// MPF for an RBM with its hidden units summed out through the free energy
/// F(v) = −bᵀv − Σ_j softplus(c_j + (vW)_j): K = mean over the batch of Σ_k exp(½ (F(v) − F(v with k flipped))).
/// The classic baseline of the MPF paper (vpf-math.md §2).
/// </summary>
/// <remarks>
/// Computed in single precision by the <see cref="RbmFlipFlow"/> kernel (one blocked, threaded pass over
/// batch × visible × hidden with tabulated e^{±W}); results depend on the seed-free data only, not on the thread count.
/// Against the double-precision formulas K and every gradient entry agree to a relative error of about 1e-5
/// (tested at 1e-4). Exponents are clamped to ±<see cref="ExponentLimit"/> (the same bound as the kernel's field limit
/// of ±60 on u/2) and counted. Visible states are binary.
/// </remarks>
public sealed class MpfRbm : ITrainingObjective
{
    /// <summary>Bound on each flip's exponent ½ (F(v) − F(v′)).</summary>
    public const double ExponentLimit = 30;

    private readonly RbmFlipFlow _flow = new();

    /// <inheritdoc />
    public void Validate(Architecture architecture)
    {
        if (!architecture.IsRbm || architecture.HasLateral[0])
            throw new InvalidOptionsException("layers", $"MPF-RBM needs an RBM (two layers, no lateral weights); got {architecture}.");
    }

    /// <inheritdoc />
    public FlowEvaluation Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey)
    {
        Validate(model.Architecture);
        int nv = model.LayerSize(0);
        if (visible.Length < rows * nv)
            throw new ArgumentException($"Expected {rows} rows of {nv} visible units ({rows * nv} values); got {visible.Length}.", nameof(visible));
        var result = _flow.Evaluate(visible[..(rows * nv)], rows, model.Weights(0), model.Biases(0), model.Biases(1),
            gradient.Weights[0], gradient.Biases[0], gradient.Biases[1], ExponentLimit);
        return new FlowEvaluation(result.MeanFlow, result.ClampCount);
    }
}
