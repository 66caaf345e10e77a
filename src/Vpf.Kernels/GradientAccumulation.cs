namespace Vpf.Kernels;

/// <summary>The non-product parts of a flow gradient: bias sums and the symmetric lateral update.</summary>
public static class GradientAccumulation
{
    /// <summary>sums[j] += alpha · Σ_r m[r, j] for a rows × sums.Length matrix (bias gradient: mean of δ over the batch).</summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> m, Span<float> sums, int rows, float alpha = 1f)
    {
        int n = sums.Length;
        for (int j = 0; j < n; j++)
        {
            float s = 0f;
            for (int r = 0; r < rows; r++) s += m[r * n + j];
            sums[j] += alpha * s;
        }
    }

    /// <summary>
    /// Turns G (n × n) into G + Gᵀ with a zero diagonal, in place: the lateral gradient x_lᵀδ_l + δ_lᵀx_l
    /// from one product. Pairs are summed as g[i,j] + g[j,i] in that order for i &lt; j and the result stored in both,
    /// so the output is exactly symmetric.
    /// </summary>
    public static void SymmetrizeWithZeroDiagonal(Span<float> g, int n)
    {
        for (int i = 0; i < n; i++)
        {
            g[i * n + i] = 0f;
            for (int j = i + 1; j < n; j++)
            {
                float s = g[i * n + j] + g[j * n + i];
                g[i * n + j] = s;
                g[j * n + i] = s;
            }
        }
    }

    /// <summary>y += alpha · x.</summary>
    public static void AddScaled(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        for (int i = 0; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
