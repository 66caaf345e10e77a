namespace Vpf.Kernels.Tests;

// AccumulateColumnSums and AddScaled use plain single-precision multiply and add in the scalar definition's order
// (no FMA, columns summed row by row), so every width and thread count must match the scalar definition bit for bit;
// they are additionally checked against a double reference with relative tolerance 1e-5 of Σ|terms|.
// SymmetrizeWithZeroDiagonal is checked exactly.
[Collection("KernelSettings")]
public sealed class GradientAccumulationTests
{
    private static IEnumerable<(int Rows, int N)> Shapes()
    {
        foreach (int len in Data.Lengths)
        {
            yield return (1, len);
            yield return (len, 1);
            yield return (3, len);
        }
        foreach (var shape in new[] { (0, 9), (5, 17), (7, 33), (64, 65), (2, 100) })
            yield return shape;
    }

    private static float[] ColumnSumsDefinition(float[] m, float[] sums, int rows, float alpha)
    {
        float[] result = (float[])sums.Clone();
        int n = sums.Length;
        for (int j = 0; j < n; j++)
        {
            float s = 0f;
            for (int r = 0; r < rows; r++) s += m[r * n + j];
            result[j] += alpha * s;
        }
        return result;
    }

    [Fact]
    public void AccumulateColumnSums_matches_the_definition_exactly_for_every_shape_and_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (float alpha in new[] { 1f, -0.125f, 0.3f })
                foreach (var (rows, n) in Shapes())
                {
                    float[] m = Data.Uniform(rows * n, -1, 1, rows * 7 + n);
                    float[] start = Data.Uniform(n, -1, 1, n);
                    float[] expected = ColumnSumsDefinition(m, start, rows, alpha);
                    float[] sums = (float[])start.Clone();
                    GradientAccumulation.AccumulateColumnSums(m, sums, rows, alpha);
                    Data.BitEqual(expected, sums, $"bits {bits} {rows}×{n} alpha {alpha}");
                    for (int j = 0; j < n; j++)
                    {
                        double s = 0, a = 0;
                        for (int r = 0; r < rows; r++) { s += m[r * n + j]; a += Math.Abs(m[r * n + j]); }
                        Data.Close(start[j] + alpha * s, sums[j], 0, 1e-5 * (Math.Abs(start[j]) + Math.Abs(alpha) * a) + 1e-7, $"bits {bits} {rows}×{n} [{j}]");
                    }
                }
        });
    }

    [Fact]
    public void AccumulateColumnSums_on_unaligned_spans_and_independent_of_threads()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int offset in new[] { 1, 3 })
            {
                int rows = 5, n = 29;
                float[] m = Data.Uniform(rows * n + offset, -1, 1, offset);
                float[] sums = Data.Uniform(n + offset, -1, 1, offset + 1);
                float[] expected = ColumnSumsDefinition(m[offset..], sums[offset..], rows, 0.5f);
                GradientAccumulation.AccumulateColumnSums(m.AsSpan(offset), sums.AsSpan(offset), rows, 0.5f);
                Data.BitEqual(expected, sums[offset..], $"bits {bits} offset {offset}");
            }
            foreach (var (rows, n) in new[] { (100, 1000), (40_000, 1), (1, 1_100_003), (1000, 1051) }) // the last two are split over threads
            {
                float[] m = Data.Uniform(rows * n, -1, 1, n);
                float[] start = Data.Uniform(n, -1, 1, rows);
                float[] Run(int threads) => VectorWidth.Threads(threads, () =>
                {
                    float[] s = (float[])start.Clone();
                    GradientAccumulation.AccumulateColumnSums(m, s, rows, 0.01f);
                    return s;
                });
                float[] one = Run(1);
                Data.BitEqual(one, Run(2), $"bits {bits} {rows}×{n} threads");
                Data.BitEqual(ColumnSumsDefinition(m, start, rows, 0.01f), one, $"bits {bits} {rows}×{n} definition");
            }
        });
    }

    [Fact]
    public void AccumulateColumnSums_rejects_short_matrices_and_negative_rows()
    {
        var e = Assert.Throws<ArgumentException>(() => GradientAccumulation.AccumulateColumnSums(new float[11], new float[4], 3));
        Assert.Equal("m", e.ParamName);
        Assert.Contains("12", e.Message);
        Assert.Contains("11", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientAccumulation.AccumulateColumnSums(new float[12], new float[4], -1));
    }

    [Fact]
    public void Symmetrize_gives_an_exactly_symmetric_matrix_with_zero_diagonal()
    {
        foreach (int n in Enumerable.Range(0, 41).Concat([63, 64, 65, 100]))
        {
            float[] g = Data.Uniform(n * n + 1, -1, 1, n);
            g[^1] = 8f;
            float[] original = (float[])g.Clone();
            GradientAccumulation.SymmetrizeWithZeroDiagonal(g, n);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(0f, g[i * n + i]);
                for (int j = i + 1; j < n; j++)
                {
                    float expected = original[i * n + j] + original[j * n + i];
                    Assert.Equal(expected, g[i * n + j]);
                    Assert.Equal(expected, g[j * n + i]);
                }
            }
            Assert.Equal(8f, g[^1]);
        }
    }

    [Fact]
    public void Symmetrize_rejects_a_short_matrix_and_negative_order()
    {
        var e = Assert.Throws<ArgumentException>(() => GradientAccumulation.SymmetrizeWithZeroDiagonal(new float[15], 4));
        Assert.Equal("g", e.ParamName);
        Assert.Contains("16", e.Message);
        Assert.Contains("15", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientAccumulation.SymmetrizeWithZeroDiagonal(new float[4], -2));
    }

    [Fact]
    public void AddScaled_matches_the_definition_exactly_for_every_length_and_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (float alpha in new[] { 1f, -2.5f, 1e-3f })
                foreach (int n in Data.Lengths)
                {
                    float[] x = Data.Uniform(n, -1, 1, n);
                    float[] y = Data.Uniform(n + 1, -1, 1, n + 50);
                    float[] expected = (float[])y.Clone();
                    for (int i = 0; i < n; i++) expected[i] += alpha * x[i];
                    GradientAccumulation.AddScaled(x, y, alpha);
                    Data.BitEqual(expected, y, $"bits {bits} n {n} alpha {alpha}");
                    for (int i = 0; i < n; i++)
                        Assert.Equal((double)expected[i], y[i], 1e-6); // against the double definition: one rounding per operation
                }
        });
    }

    [Fact]
    public void AddScaled_in_place_unaligned_and_independent_of_threads()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 5, 8, 17, 70 })
            {
                float[] y = Data.Uniform(n, -1, 1, n);
                float[] expected = y.Select(v => v + 0.5f * v).ToArray();
                GradientAccumulation.AddScaled(y, y, 0.5f); // x aliasing y: y ← 1.5 y
                Data.BitEqual(expected, y, $"bits {bits} n {n} in place");
                foreach (int offset in new[] { 1, 3 })
                {
                    float[] xa = Data.Uniform(n + offset, -1, 1, offset);
                    float[] ya = Data.Uniform(n + offset, -1, 1, offset + 9);
                    float[] e = (float[])ya.Clone();
                    for (int i = 0; i < n; i++) e[offset + i] += 2f * xa[offset + i];
                    GradientAccumulation.AddScaled(xa.AsSpan(offset), ya.AsSpan(offset), 2f);
                    Data.BitEqual(e, ya, $"bits {bits} n {n} offset {offset}");
                }
            }
            int large = 1_100_003; // above the memory-bound threading threshold
            float[] xl = Data.Uniform(large, -1, 1, 1), yl = Data.Uniform(large, -1, 1, 2);
            float[] Run(int threads) => VectorWidth.Threads(threads, () =>
            {
                float[] y = (float[])yl.Clone();
                GradientAccumulation.AddScaled(xl, y, -0.75f);
                return y;
            });
            float[] one = Run(1);
            Data.BitEqual(one, Run(2), $"bits {bits} threads");
            Assert.Equal(yl[large - 1] + -0.75f * xl[large - 1], one[large - 1]);
        });
    }

    [Fact]
    public void AddScaled_rejects_a_short_destination_and_shifted_aliasing()
    {
        var e = Assert.Throws<ArgumentException>(() => GradientAccumulation.AddScaled(new float[10], new float[9], 1f));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);
        var shared = new float[12];
        e = Assert.Throws<ArgumentException>(() => GradientAccumulation.AddScaled(shared.AsSpan(1, 10), shared.AsSpan(0, 10), 1f));
        Assert.Equal("y", e.ParamName);
    }
}
