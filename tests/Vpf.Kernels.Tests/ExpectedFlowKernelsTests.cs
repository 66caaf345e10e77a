namespace Vpf.Kernels.Tests;

// The expected flow's edge kernels in double. The scalar path (width 0) evaluates the same unfused formulas as the
// references below, so it must match them bit for bit; the 256- and 128-bit bodies fuse ν + μ·t and multiply factors
// before one logarithm, so they are checked against the references at 1e-12 relative to the sum of the magnitudes of the
// terms (about 4500 ulps of double: far above rounding, far below any wrong term).
[Collection("KernelSettings")]
public sealed class ExpectedFlowKernelsTests
{
    private const double Rel = 1e-12;

    private static double[] Rates(int n, int seed)
    {
        var random = new Random(seed);
        var mu = new double[n];
        for (int i = 0; i < n; i++) mu[i] = (i % 7) switch { 0 => 0.0, 3 => 1.0, _ => random.NextDouble() };
        return mu;
    }

    private static double[] Positive(int n, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => 0.05 + 2 * random.NextDouble())];
    }

    private static (float[] W, double[] T, double[] S) Edges(int n, int seed)
    {
        float[] w = Data.Uniform(n, -3, 3, seed);
        return (w, [.. w.Select(x => Math.Exp(0.5 * x))], [.. w.Select(x => Math.Exp(-0.5 * x))]);
    }

    private static double Term(double mu, double nu, double t, double s, double a, double b)
    {
        double f = nu + mu * t, g = nu + mu * s;
        return mu * (b * (t * g) - a * (s * f)) / (f * g);
    }

    private static void Check(double expected, double actual, double scale, int bits, string where)
    {
        if (bits == 0)
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
                $"{where} (scalar path): expected {expected:R}, got {actual:R}");
        else
            Assert.True(Math.Abs(expected - actual) <= Rel * scale + 1e-300,
                $"{where} ({bits}-bit path): expected {expected:R}, got {actual:R}");
    }

    [Fact]
    public void LogProducts_match_the_sum_of_logarithms_for_every_length_width_and_block()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
                foreach (int block in new[] { 1, 2, 3, 64 })
                {
                    double[] mu = Rates(n, n);
                    var (_, t, s) = Edges(n, n + 1);
                    ExpectedFlowKernels.LogProducts(mu, t, s, block, out double logT, out double logS);
                    double expectedT = 0, expectedS = 0, scaleT = 0, scaleS = 0;
                    for (int i = 0; i < n; i++)
                    {
                        double lt = Math.Log(1 - mu[i] + mu[i] * t[i]), ls = Math.Log(1 - mu[i] + mu[i] * s[i]);
                        expectedT += lt; expectedS += ls;
                        scaleT += Math.Abs(lt); scaleS += Math.Abs(ls);
                    }
                    Check(expectedT, logT, scaleT, bits, $"log T, n = {n}, block = {block}");
                    Check(expectedS, logS, scaleS, bits, $"log S, n = {n}, block = {block}");
                }
        });
    }

    [Fact]
    public void Dot_matches_the_double_sum_for_every_length_and_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                double[] mu = Rates(n, 2 * n);
                float[] w = Data.Uniform(n + 3, -2, 2, n); // longer than mu: only the first n count
                double expected = 0, scale = 0;
                for (int i = 0; i < n; i++) { expected += mu[i] * w[i]; scale += Math.Abs(mu[i] * w[i]); }
                Check(expected, ExpectedFlowKernels.Dot(mu, w), scale, bits, $"Dot, n = {n}");
            }
        });
    }

    [Fact]
    public void HalfExponentials_match_exp_of_half_the_weight()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                float[] w = Data.Uniform(n, -20, 20, n);
                var t = new double[n + 1];
                var s = new double[n + 1];
                t[^1] = s[^1] = 42;
                ExpectedFlowKernels.HalfExponentials(w, t, s);
                for (int i = 0; i < n; i++)
                {
                    Check(Math.Exp(0.5 * w[i]), t[i], Math.Exp(0.5 * w[i]), bits, $"t[{i}], n = {n}");
                    Check(Math.Exp(-0.5 * w[i]), s[i], Math.Exp(-0.5 * w[i]), bits, $"s[{i}], n = {n}");
                }
                Assert.Equal(42, t[^1]);
                Assert.Equal(42, s[^1]);
            }
        });
    }

    /// <summary>Runs one accumulation on acc = start and checks every element against acc + term(i), and the spare element.</summary>
    private static void CheckAccumulation(int n, int bits, string what, Action<double[]> kernel, Func<int, double> term)
    {
        double[] start = Positive(n + 1, 7 * n + 1);
        var acc = (double[])start.Clone();
        kernel(acc);
        for (int i = 0; i < n; i++)
        {
            double x = term(i);
            Check(start[i] + x, acc[i], Math.Abs(start[i]) + Math.Abs(x), bits, $"{what}[{i}], n = {n}");
        }
        Assert.Equal(start[n], acc[n]); // the element past the span is untouched
    }

    [Fact]
    public void Edge_accumulations_match_their_formulas_for_every_length_and_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                double[] mu = Rates(n, 3 * n), a = Positive(n, 5 * n), b = Positive(n, 5 * n + 1);
                var (_, t, s) = Edges(n, 3 * n + 2);
                const double aK = 0.7, bK = 1.3, muK = 0.35;
                CheckAccumulation(n, bits, "AddOwn", acc => ExpectedFlowKernels.AddOwn(acc.AsSpan(0, n), mu, t, s, aK, bK),
                    i => Term(mu[i], 1 - mu[i], t[i], s[i], aK, bK));
                CheckAccumulation(n, bits, "AddOwnClamped", acc => ExpectedFlowKernels.AddOwnClamped(acc.AsSpan(0, n), mu, bK - aK),
                    i => mu[i] * (bK - aK));
                CheckAccumulation(n, bits, "AddNeighbours", acc => ExpectedFlowKernels.AddNeighbours(acc.AsSpan(0, n), a, b, t, s, muK),
                    i => Term(muK, 1 - muK, t[i], s[i], a[i], b[i]));
                CheckAccumulation(n, bits, "AddNeighboursActive", acc => ExpectedFlowKernels.AddNeighboursActive(acc.AsSpan(0, n), a, b),
                    i => b[i] - a[i]);
                CheckAccumulation(n, bits, "AddBoth", acc => ExpectedFlowKernels.AddBoth(acc.AsSpan(0, n), mu, a, b, t, s, aK, bK, muK),
                    i => Term(mu[i], 1 - mu[i], t[i], s[i], aK, bK) + Term(muK, 1 - muK, t[i], s[i], a[i], b[i]));
            }
        });
    }

    [Fact]
    public void The_256_and_128_bit_bodies_both_run_and_differ_from_the_scalar_path_only_by_rounding()
    {
        // A length with whole vectors of every width: the vector bodies are really taken (otherwise the checks above
        // would compare the scalar tail with itself), and their results stay within rounding of each other.
        const int n = 24;
        double[] mu = Rates(n, 11);
        var (_, t, s) = Edges(n, 12);
        double Log(int bits) => VectorWidth.Run(bits, () =>
        {
            ExpectedFlowKernels.LogProducts(mu, t, s, 64, out double logT, out _);
            return logT;
        });
        double scalar = Log(0), v128 = Log(128), v256 = Log(256);
        Assert.Equal(scalar, v128, Math.Abs(scalar) * 1e-12);
        Assert.Equal(scalar, v256, Math.Abs(scalar) * 1e-12);
        if (VectorWidth.Has256) Assert.NotEqual(0, VectorWidth.Run(256, () => VectorWidth.Effective));
    }

    [Fact]
    public void Short_operands_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedFlowKernels.AddOwn(new double[5], new double[4], new double[5], new double[5], 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedFlowKernels.Dot(new double[5], new float[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpectedFlowKernels.HalfExponentials(new float[5], new double[5], new double[4]));
    }
}
