namespace Vpf.Kernels.Tests;

// The centered weight gradient promises the arithmetic of the plain loop it replaces, element by element: float without
// fused multiply-adds. So every width and thread count must match that loop, written out here, bit for bit; a double
// reference of the formula bounds it.
[Collection("KernelSettings")]
public sealed class CenteringKernelsTests
{
    private static readonly int[] Rows = [0, 1, 3, 4, 5, 7, 8, 9, 13, 16, 17, 23];
    private static readonly int[] Columns = [0, 1, 3, 4, 5, 7, 8, 9, 16, 17, 33];

    [Fact]
    public void The_centered_weight_gradient_equals_the_plain_loop_bit_for_bit_on_every_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Rows)
                foreach (int m in Columns)
                {
                    var (g, a, gUpper, gLower, aUpper) = GradientCase(n, m, seed: 100 * n + m);
                    var original = (float[])g.Clone();
                    var expected = (float[])g.Clone();
                    for (int k = 0; k < n; k++)
                        for (int j = 0; j < m; j++) expected[k * m + j] -= a[k] * gUpper[j] + gLower[k] * aUpper[j];
                    CenteringKernels.SubtractOffsetOuterProducts(g, a, gUpper, gLower, aUpper);
                    Data.BitEqual(expected, g, $"{n} × {m}, {bits} bits");
                    for (int k = 0; k < n; k++)
                        for (int j = 0; j < m; j++)
                            Data.Close(original[k * m + j] - ((double)a[k] * gUpper[j] + (double)gLower[k] * aUpper[j]), g[k * m + j], 1e-6, 1e-6, $"{n} × {m} [{k}, {j}]");
                }
        });
    }

    [Fact]
    public void A_matrix_large_enough_for_two_threads_gives_the_same_bits_on_one_and_on_two()
    {
        var (g, a, gUpper, gLower, aUpper) = GradientCase(1100, 1000, seed: 7);
        float[] Run(int threads) => VectorWidth.Threads(threads, () =>
        {
            var copy = (float[])g.Clone();
            CenteringKernels.SubtractOffsetOuterProducts(copy, a, gUpper, gLower, aUpper);
            return copy;
        });
        var one = Run(1);
        Data.BitEqual(one, Run(2), "1100 × 1000, 2 threads");
        for (int i = 0; i < one.Length; i += 997)
        {
            int k = i / 1000, j = i % 1000;
            Assert.Equal(g[i] - (a[k] * gUpper[j] + gLower[k] * aUpper[j]), one[i]);
        }
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused_with_the_operand_named()
    {
        var e = Assert.Throws<ArgumentException>(() => CenteringKernels.SubtractOffsetOuterProducts(new float[11], new float[3], new float[4], new float[3], new float[4]));
        Assert.Equal("g", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => CenteringKernels.SubtractOffsetOuterProducts(new float[12], new float[3], new float[4], new float[2], new float[4]));
        Assert.Equal("gLower", e.ParamName);
    }

    private static (float[] G, float[] A, float[] GUpper, float[] GLower, float[] AUpper) GradientCase(int n, int m, int seed) =>
        (Data.Uniform(n * m, -1, 1, seed), Data.Uniform(n, 0, 1, seed + 1), Data.Uniform(m, -0.5f, 0.5f, seed + 2),
         Data.Uniform(n, -0.5f, 0.5f, seed + 3), Data.Uniform(m, 0, 1, seed + 4));
}
