namespace Vpf.Kernels;

/// <summary>Operations on local fields u (a neuron's total input) of a batch of one layer, rows × n.</summary>
public static class LocalField
{
    /// <summary>Writes the bias into every row of <paramref name="field"/> (rows × bias.Length): the start of u = b + Σ products.</summary>
    public static void BroadcastBias(ReadOnlySpan<float> bias, Span<float> field, int rows)
    {
        for (int r = 0; r < rows; r++) bias.CopyTo(field.Slice(r * bias.Length, bias.Length));
    }

    /// <summary>
    /// Fused local field and sigmoid: rates[r, i] = σ(scale·input[r, i] + bias[i]). <paramref name="rates"/> may be the
    /// same memory as <paramref name="input"/>. The scale is 2 for the bottom-up initialisation of intermediate layers.
    /// </summary>
    public static void Sigmoid(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> rates, int rows, float scale = 1f)
    {
        int n = bias.Length;
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++)
                rates[r * n + i] = 1f / (1f + MathF.Exp(-(scale * input[r * n + i] + bias[i])));
    }

    /// <summary>
    /// One damped mean-field step of a layer: μ ← α·μ + (1 − α)·σ(input + bias), with α = <paramref name="damping"/>
    /// in [0, 1). Damping keeps the parallel update of a layer with lateral weights from oscillating.
    /// </summary>
    public static void DampedMeanFieldStep(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> rates, int rows, float damping)
    {
        int n = bias.Length;
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++)
            {
                float s = 1f / (1f + MathF.Exp(-(input[r * n + i] + bias[i])));
                rates[r * n + i] = damping * rates[r * n + i] + (1f - damping) * s;
            }
    }
}
