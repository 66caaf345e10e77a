using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>The non-product parts of a flow gradient: bias sums and the symmetric lateral update.</summary>
internal static class GradientAccumulation
{
    /// <summary>sums[j] += alpha · Σ_r m[r, j] for a rows × sums.Length matrix (bias gradient: mean of δ over the batch).</summary>
    public static void AccumulateColumnSums(ReadOnlySpan<float> m, Span<float> sums, int rows, float alpha = 1f)
    {
        Validate.Rows(rows);
        int n = sums.Length;
        int total = Validate.Product(rows, n, "rows × sums.Length");
        Validate.Length(m.Length, total, nameof(m), $"rows × sums.Length = {rows} × {n}");
        Validate.Disjoint(m[..total], sums, nameof(m), nameof(sums));
        ColumnSums.Invoke(m, sums, rows, alpha);
    }

    /// <summary>
    /// Turns G (n × n) into G + Gᵀ with a zero diagonal, in place: the lateral gradient x_lᵀδ_l + δ_lᵀx_l
    /// from one product. Pairs are summed as g[i,j] + g[j,i] in that order for i &lt; j and the result stored in both,
    /// so the output is exactly symmetric.
    /// </summary>
    public static void SymmetrizeWithZeroDiagonal(Span<float> g, int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The matrix order must not be negative.");
        int total = Validate.Product(n, n, "n × n");
        Validate.Length(g.Length, total, nameof(g), $"n × n = {n} × {n}");
        // Scalar, but in square tiles so that the transposed reads stay in cache; every pair (i < j) is visited once.
        const int Tile = 32;
        for (int i0 = 0; i0 < n; i0 += Tile)
        {
            int i1 = Math.Min(n, i0 + Tile);
            for (int j0 = i0; j0 < n; j0 += Tile)
            {
                int j1 = Math.Min(n, j0 + Tile);
                for (int i = i0; i < i1; i++)
                {
                    Span<float> row = g.Slice(i * n, n);
                    for (int j = Math.Max(j0, i + 1); j < j1; j++)
                    {
                        float s = row[j] + g[j * n + i];
                        row[j] = s;
                        g[j * n + i] = s;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) g[i * n + i] = 0f;
    }

    /// <summary>y += alpha · x.</summary>
    public static void AddScaled(ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        Validate.Length(y.Length, x.Length, nameof(y), $"x.Length = {x.Length}");
        Validate.SameOrDisjoint(x, y[..x.Length], nameof(x), nameof(y));
        Accumulate<AddScaledOperator>.Invoke(x, y, x.Length, alpha);
    }
}
