namespace Vpf.Kernels.Tests;

// The centering kernels promise the arithmetic of the plain loops they replace, element by element and in the same
// order: the centered weight gradient in float without fused multiply-adds, the step's bias shifts in double with
// every column summed over rows in order and every row over columns in order. So every width and thread count must
// match those loops, written out here, bit for bit; a double reference of the formula bounds both.
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
    public void The_step_shifts_equal_the_plain_two_loops_bit_for_bit_on_every_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Rows)
                foreach (int m in Columns)
                {
                    var random = new Random(1000 * n + m);
                    float[] w0 = Data.Uniform(n * m, -0.3f, 0.3f, random.Next());
                    float[] w = w0.Select(x => x + 1e-3f * (random.NextSingle() - 0.5f)).ToArray();
                    // Rows with a zero offset are skipped by the plain loop; some here are zero, some exactly one.
                    float[] a = Data.Uniform(n, 0, 1, random.Next()).Select((x, i) => i % 3 == 1 ? 0f : i % 5 == 4 ? 1f : x).ToArray();
                    float[] aUpper = Data.Uniform(m, 0, 1, random.Next());
                    double[] upperStart = Enumerable.Range(0, m).Select(j => 0.01 * j).ToArray();

                    // The loops of the compensation before it was fused: columns over rows, then each row over columns.
                    var expectedUpper = (double[])upperStart.Clone();
                    var expectedLower = new double[n];
                    for (int i = 0; i < n; i++)
                    {
                        double ai = a[i];
                        if (ai == 0) continue;
                        for (int j = 0; j < m; j++) expectedUpper[j] += ai * ((double)w[i * m + j] - w0[i * m + j]);
                    }
                    for (int i = 0; i < n; i++)
                    {
                        double s = 0;
                        for (int j = 0; j < m; j++) s += ((double)w[i * m + j] - w0[i * m + j]) * aUpper[j];
                        expectedLower[i] = s;
                    }

                    var upper = (double[])upperStart.Clone();
                    var lower = Enumerable.Repeat(double.NaN, n + 2).ToArray();
                    CenteringKernels.AccumulateStepShifts(w, w0, a, aUpper, upper, lower);
                    for (int j = 0; j < m; j++) Assert.True(expectedUpper[j] == upper[j], $"{n} × {m}, {bits} bits: upper shift {j} {upper[j]:R}, plain loop {expectedUpper[j]:R}");
                    for (int i = 0; i < n; i++) Assert.True(expectedLower[i] == lower[i], $"{n} × {m}, {bits} bits: lower shift {i} {lower[i]:R}, plain loop {expectedLower[i]:R}");
                    Assert.True(double.IsNaN(lower[n]) && double.IsNaN(lower[n + 1]), "nothing written past the rows");
                    // The formula itself, to rounding: a zero row contributes nothing, and ΔW is what moved.
                    for (int j = 0; j < m; j++)
                    {
                        double sum = upperStart[j];
                        for (int i = 0; i < n; i++) sum += a[i] * ((double)w[i * m + j] - w0[i * m + j]);
                        Assert.Equal(sum, upper[j], 1e-12);
                    }
                }
        });
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused_with_the_operand_named()
    {
        var e = Assert.Throws<ArgumentException>(() => CenteringKernels.SubtractOffsetOuterProducts(new float[11], new float[3], new float[4], new float[3], new float[4]));
        Assert.Equal("g", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => CenteringKernels.AccumulateStepShifts(new float[12], new float[12], new float[3], new float[4], new double[3], new double[3]));
        Assert.Equal("upperShift", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => CenteringKernels.AccumulateStepShifts(new float[12], new float[10], new float[3], new float[4], new double[4], new double[3]));
        Assert.Equal("w0", e.ParamName);
    }

    private static (float[] G, float[] A, float[] GUpper, float[] GLower, float[] AUpper) GradientCase(int n, int m, int seed) =>
        (Data.Uniform(n * m, -1, 1, seed), Data.Uniform(n, 0, 1, seed + 1), Data.Uniform(m, -0.5f, 0.5f, seed + 2),
         Data.Uniform(n, -0.5f, 0.5f, seed + 3), Data.Uniform(m, 0, 1, seed + 4));
}
