using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Sampling;

/// <summary>
/// The Gibbs conditional of a Gaussian visible layer, p(v | h) = N(b + W h, I) (vpf-math.md §9): the visible branch of
/// <see cref="LayerGibbs"/> and of the RBM block sampler. Unit i of chain r draws counter r·n + i of the update's key
/// (or counter i of the chain's own key), as the binary draw does.
/// </summary>
internal static class GaussianVisibleGibbs
{
    /// <summary>
    /// Draws v for every chain from the neighbour input already in <paramref name="input"/> (rows × n_0, no bias):
    /// <paramref name="means"/> receives b + input, <paramref name="states"/> the draws.
    /// </summary>
    /// <exception cref="InvalidOptionsException">An inverse temperature other than 1, a base-rate model or clamped units: the
    /// annealing of AIS and the clamping of reconstruction are not defined for Gaussian visible units yet.</exception>
    public static void Sample(DeepBoltzmannMachine model, ReadOnlySpan<float> input, Span<float> means, Span<float> states, int rows,
        float beta, float[]? visibleBase, ulong key, bool[]? clamp, ulong[]? rowKeys, uint firstCounter)
    {
        if (beta != 1f || visibleBase is not null)
            GaussianVisible.Refuse(model.Architecture, "Gibbs sampling at an inverse temperature below 1 (AIS)");
        if (clamp is not null)
            GaussianVisible.Refuse(model.Architecture, "Gibbs sampling with clamped visible units");
        int n = model.LayerSize(0);
        var b = model.Biases(0);
        if (rowKeys is null)
        {
            GaussianUnits.Sample(input[..(rows * n)], b, means[..(rows * n)], states[..(rows * n)], rows, key, firstCounter);
            return;
        }
        for (int r = 0; r < rows; r++)
            GaussianUnits.Sample(input.Slice(r * n, n), b, means.Slice(r * n, n), states.Slice(r * n, n), 1, rowKeys[r]);
    }

    /// <summary>Writes the conditional means b + h Wᵀ of an RBM's visible layer for rows × n_h hidden states or rates.</summary>
    public static void Means(DeepBoltzmannMachine model, ReadOnlySpan<float> hidden, Span<float> means, int rows)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var v = means[..(rows * nv)];
        FieldActivation.BroadcastBias(model.Biases(0), v, rows);
        MatrixProduct.MultiplyByTransposed(hidden[..(rows * nh)], model.Weights(0), v, rows, nh, nv, accumulate: true);
    }
}
