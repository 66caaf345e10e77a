using Vpf.Core.Model;
using Vpf.Core.Training.Optimisers;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// The algebra of centering (vpf-math.md §8), shared by the trainer and by anyone who wants a centered model's own
/// coordinates: biases between the centered and the stored (uncentered) form, the gradient in centered coordinates,
/// and how a step taken in centered coordinates moves the stored biases.
/// </summary>
/// <remarks>
/// A centered machine has energy −Σ (x_l − a_l)ᵀW_l(x_{l+1} − a_{l+1}) − Σ ½(x_l − a_l)ᵀL_l(x_l − a_l) − Σ b_lᵀx_l; it is
/// the ordinary machine with the same W, L and biases b̃_l = b_l − a_{l−1}W_{l−1} − a_{l+1}W_lᵀ − a_l L_l (the constant
/// drops out of p). Bias shifts are summed in double and rounded once, except the weights' shifts of a step, which the
/// optimiser's pass sums in float lanes (<see cref="CenteredWeightStep"/>).
/// </remarks>
internal static class CenteredCoordinates
{
    /// <summary>b̃ from centered biases: overwrites <paramref name="parameters"/>' biases b_l with b̃_l (W and L are shared).</summary>
    public static void ToUncentered(ParameterSet parameters, IReadOnlyList<float[]> offsets) => ShiftBiases(parameters, parameters, offsets, -1);

    /// <summary>Centered biases from b̃: overwrites <paramref name="parameters"/>' biases b̃_l with b_l = b̃_l + a_{l−1}W_{l−1} + a_{l+1}W_lᵀ + a_l L_l.</summary>
    public static void ToCentered(ParameterSet parameters, IReadOnlyList<float[]> offsets) => ShiftBiases(parameters, parameters, offsets, +1);

    /// <summary>
    /// Turns <paramref name="gradient"/>, the gradient g of an objective with respect to the stored (uncentered)
    /// parameters, into the gradient with respect to the centered ones, in place:
    /// ∇W_l = g_{W_l} − a_lᵀ ⊗ g_{b_{l+1}} − g_{b_l}ᵀ ⊗ a_{l+1}; ∇L_l = g_{L_l} − (a_lᵀ ⊗ g_{b_l} + g_{b_l}ᵀ ⊗ a_l) with zero
    /// diagonal; ∇b = g_b. Edge (k, j) changes only through the offsets and bias gradients of k and j.
    /// </summary>
    public static void CenterGradient(ParameterSet gradient, IReadOnlyList<float[]> offsets)
    {
        int layers = gradient.Biases.Length;
        // One vector pass over each W_l: the two outer products are never formed.
        for (int l = 0; l + 1 < layers; l++)
            CenteringKernels.SubtractOffsetOuterProducts(gradient.Weights[l], offsets[l], gradient.Biases[l + 1], gradient.Biases[l], offsets[l + 1]);
        CenterLateralGradients(gradient, offsets);
    }

    /// <summary>The lateral part of <see cref="CenterGradient"/> alone: ∇L_l = g_{L_l} − (a_lᵀ ⊗ g_{b_l} + g_{b_l}ᵀ ⊗ a_l), zero diagonal.</summary>
    public static void CenterLateralGradients(ParameterSet gradient, IReadOnlyList<float[]> offsets)
    {
        for (int l = 0; l < gradient.Biases.Length; l++)
        {
            if (gradient.Laterals[l] is not { } gl) continue;
            var a = offsets[l];
            var gb = gradient.Biases[l];
            int n = a.Length;
            for (int k = 0; k < n; k++)
                for (int j = 0; j < n; j++)
                    gl[k * n + j] = k == j ? 0f : gl[k * n + j] - (a[k] * gb[j] + gb[k] * a[j]);
        }
    }

    /// <summary>
    /// After an optimiser step in centered coordinates (<see cref="IOptimiser.Step(ParameterSet, ParameterSet, double, CenteredStep)"/>)
    /// took L from <paramref name="before"/> to <paramref name="after"/>, added its bias step to the stored biases and
    /// left the weights' shifts in <paramref name="shifts"/>, subtracts the part of b̃ that depends on W and L:
    /// b̃_l −= a_{l−1}ΔW_{l−1} + ΔW_l a_{l+1} + a_l ΔL_l, so that the stored model is again the uncentered form of the
    /// centered one. Only the laterals of <paramref name="before"/> are read.
    /// </summary>
    public static void ApplyStepShifts(ParameterSet after, ParameterSet before, IReadOnlyList<float[]> offsets, CenteredStep shifts)
    {
        int layers = after.Biases.Length;
        double[]? lateral = null;
        for (int l = 0; l < layers; l++)
        {
            int n = offsets[l].Length;
            float[] below = shifts.ShiftFromBelow[l], above = shifts.ShiftFromAbove[l], b = after.Biases[l];
            if (after.Laterals[l] is { } lat)
            {
                lateral ??= new double[MaxWidth(after)];
                Array.Clear(lateral, 0, n);
                AddAbove(lateral, offsets[l], lat, before.Laterals[l]!, n);
                for (int k = 0; k < n; k++) b[k] = (float)(b[k] - ((double)below[k] + above[k] + lateral[k]));
            }
            else
                for (int k = 0; k < n; k++) b[k] = (float)(b[k] - ((double)below[k] + above[k]));
        }
    }

    /// <summary>biases(target) = biases(source) + sign · (a_{l−1}W_{l−1} + a_{l+1}W_lᵀ + a_l L_l), with W, L from source.</summary>
    private static void ShiftBiases(ParameterSet target, ParameterSet source, IReadOnlyList<float[]> offsets, int sign)
    {
        int layers = source.Biases.Length;
        if (offsets.Count != layers) throw new ArgumentException($"Expected {layers} offset vectors; got {offsets.Count}.", nameof(offsets));
        var shift = new double[MaxWidth(source)];
        for (int l = 0; l < layers; l++)
        {
            int n = source.Biases[l].Length;
            if (offsets[l].Length != n) throw new ArgumentException($"Offsets of layer {l} have {offsets[l].Length} values; the layer has {n} units.", nameof(offsets));
            Array.Clear(shift, 0, n);
            if (l > 0) AddBelow(shift, offsets[l - 1], source.Weights[l - 1], n);
            if (l + 1 < layers) AddAbove(shift, offsets[l + 1], source.Weights[l], null, n);
            if (source.Laterals[l] is { } lat) AddAbove(shift, offsets[l], lat, null, n);
            var from = source.Biases[l];
            var to = target.Biases[l];
            for (int k = 0; k < n; k++) to[k] = (float)(from[k] + sign * shift[k]);
        }
    }

    /// <summary>shift[j] += Σ_i a[i] W[i, j] for W of shape a.Length × n (the layer below's contribution).</summary>
    private static void AddBelow(double[] shift, float[] a, float[] w, int n)
    {
        for (int i = 0; i < a.Length; i++)
        {
            double ai = a[i];
            if (ai == 0) continue;
            int row = i * n;
            for (int j = 0; j < n; j++) shift[j] += ai * w[row + j];
        }
    }

    /// <summary>shift[k] += Σ_j (W − W₀)[k, j] a[j] for W of shape n × a.Length (the layer above's, or the lateral, contribution).</summary>
    private static void AddAbove(double[] shift, float[] a, float[] w, float[]? w0, int n)
    {
        int m = a.Length;
        for (int k = 0; k < n; k++)
        {
            double s = 0;
            int row = k * m;
            if (w0 is null) for (int j = 0; j < m; j++) s += (double)w[row + j] * a[j];
            else for (int j = 0; j < m; j++) s += ((double)w[row + j] - w0[row + j]) * a[j];
            shift[k] += s;
        }
    }

    private static int MaxWidth(ParameterSet p) => p.Biases.Max(b => b.Length);
}
