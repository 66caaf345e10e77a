using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>Operations on local fields u (a neuron's total input) of a batch of one layer, rows × n.</summary>
public static class FieldActivation
{
    /// <summary>Writes the bias into every row of <paramref name="field"/> (rows × bias.Length): the start of u = b + Σ products.</summary>
    public static void BroadcastBias(ReadOnlySpan<float> bias, Span<float> field, int rows)
    {
        Validate.Rows(rows);
        int n = bias.Length;
        int total = Validate.Product(rows, n, "rows × bias.Length");
        Validate.Length(field.Length, total, nameof(field), $"rows × bias.Length = {rows} × {n}");
        Validate.Disjoint(bias, field[..total], nameof(bias), nameof(field));
        // A memory copy per row: already vectorised by the runtime and bound by memory bandwidth, so not threaded.
        for (int r = 0; r < rows; r++) bias.CopyTo(field.Slice(r * n, n));
    }

    /// <summary>
    /// Fused local field and sigmoid: rates[r, i] = σ(scale·input[r, i] + bias[i]). <paramref name="rates"/> may be the
    /// same memory as <paramref name="input"/>. The scale is 2 for the bottom-up initialisation of intermediate layers.
    /// </summary>
    public static void Sigmoid(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> rates, int rows, float scale = 1f)
    {
        int total = CheckShape(input, bias, rates, rows);
        RowBias<ScaledSigmoidOperator>.Invoke(input, bias, rates, total, scale);
    }

    /// <summary>
    /// One damped mean-field step of a layer: μ ← α·μ + (1 − α)·σ(input + bias), with α = <paramref name="damping"/>
    /// in [0, 1). Damping keeps the parallel update of a layer with lateral weights from oscillating.
    /// </summary>
    public static void DampedMeanFieldStep(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> rates, int rows, float damping)
    {
        if (!(damping >= 0f && damping < 1f))
            throw new ArgumentOutOfRangeException(nameof(damping), damping, "The damping must lie in [0, 1).");
        int total = CheckShape(input, bias, rates, rows);
        RowBias<DampedSigmoidOperator>.Invoke(input, bias, rates, total, damping);
    }

    /// <summary>Checks a rows × bias.Length batch: lengths, and rates either aliasing input exactly or disjoint from it.</summary>
    private static int CheckShape(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> rates, int rows)
    {
        Validate.Rows(rows);
        int n = bias.Length;
        int total = Validate.Product(rows, n, "rows × bias.Length");
        string what = $"rows × bias.Length = {rows} × {n}";
        Validate.Length(input.Length, total, nameof(input), what);
        Validate.Length(rates.Length, total, nameof(rates), what);
        Validate.SameOrDisjoint(input[..total], rates[..total], nameof(input), nameof(rates));
        Validate.Disjoint(bias, rates[..total], nameof(bias), nameof(rates));
        return total;
    }
}
