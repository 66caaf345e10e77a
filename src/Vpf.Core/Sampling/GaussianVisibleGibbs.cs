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
    /// Draws v for every chain from the neighbour input already in <paramref name="input"/> (rows × n_0, no bias) at
    /// inverse temperature β: v ~ N(bias + β·input, I), where <paramref name="bias"/> is β b + (1 − β) a with a the base
    /// mean of AIS (just b at β = 1 without a base; vpf-math.md §9, "AIS"). <paramref name="means"/> receives the means,
    /// <paramref name="states"/> the draws; where <paramref name="clamp"/> is true the state is left alone and its mean is
    /// its value. <paramref name="input"/> is scaled in place when β ≠ 1 and <paramref name="draw"/> (rows × n_0) is scratch
    /// for the clamped case.
    /// </summary>
    public static void Sample(Span<float> input, ReadOnlySpan<float> bias, Span<float> means, Span<float> states, int rows,
        float beta, ulong key, bool[]? clamp, Span<float> draw, ulong[]? rowKeys, uint firstCounter)
    {
        int n = bias.Length, total = rows * n;
        if (beta != 1f)
            for (int i = 0; i < total; i++) input[i] *= beta;
        // Draw every unit, then put back the clamped ones (their mean is their value), as the binary layer does.
        var target = clamp is null ? states[..total] : draw[..total];
        if (rowKeys is null)
            GaussianUnits.Sample(input[..total], bias, means[..total], target, rows, key, firstCounter);
        else
            for (int r = 0; r < rows; r++)
                GaussianUnits.Sample(input.Slice(r * n, n), bias, means.Slice(r * n, n), target.Slice(r * n, n), 1, rowKeys[r]);
        if (clamp is null) return;
        for (int i = 0; i < total; i++)
        {
            if (clamp[i]) means[i] = states[i];
            else states[i] = target[i];
        }
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
