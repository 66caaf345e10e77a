namespace Vpf.Kernels.Tests;

// The evaluation reductions: the scalar path is the double-precision definition (bit for bit, the same unfused
// operations in the same order); the vector bodies sum lanes in another order, 1e-12 of Σ|terms| (SingleDot's lanes
// add in single precision: 1e-6).
[Collection("KernelSettings")]
public sealed class EvaluationKernelsTests
{
    private static void Check(double expected, double actual, double scale, double rel, int bits, string where)
    {
        if (bits == 0)
            Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{where} (scalar): {expected:R} vs {actual:R}");
        else
            Assert.True(Math.Abs(expected - actual) <= rel * scale + 1e-300, $"{where} ({bits}-bit): {expected:R} vs {actual:R}");
    }

    [Fact]
    public void Dots_match_the_double_sum_for_every_length_and_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                float[] a = Data.Uniform(n, -2, 2, n), b = Data.Uniform(n + 2, -2, 2, n + 100);
                double expected = 0, scale = 0;
                for (int i = 0; i < n; i++) { expected += (double)a[i] * b[i]; scale += Math.Abs((double)a[i] * b[i]); }
                Check(expected, EvaluationKernels.Dot(a, b), scale, 1e-12, bits, $"Dot, n = {n}");
                Check(expected, EvaluationKernels.SingleDot(a, b), scale, 1e-6, bits, $"SingleDot, n = {n}");
            }
        });
    }

    [Fact]
    public void SumExp_matches_the_sum_of_exponentials()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                double[] d = [.. Data.Uniform(n, 0, 30, n).Select(x => (double)x)];
                double expected = 0;
                for (int i = 0; i < n; i++) expected += Math.Exp(-0.7 * d[i] - 1.5);
                Check(expected, EvaluationKernels.SumExp(d, -0.7, 1.5), expected, 1e-12, bits, $"SumExp, n = {n}");
            }
        });
    }

    [Fact]
    public void Softplus_differences_and_rates_match_their_definitions()
    {
        static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                float[] u = Data.Uniform(n, -30, 30, n);
                var p = new float[n + 1];
                p[^1] = 42;
                double sum = EvaluationKernels.SoftplusDifferences(u, p, 0.3, 0.35);
                double expected = 0, scale = 0;
                for (int i = 0; i < n; i++)
                {
                    double term = Softplus(0.35 * u[i]) - Softplus(0.3 * u[i]);
                    expected += term;
                    scale += Math.Abs(term);
                    Data.Close(1 / (1 + Math.Exp(-0.35 * u[i])), p[i], 1e-6, 1e-30, $"σ(βu[{i}]), n = {n}, {bits} bits");
                }
                Assert.True(Math.Abs(expected - sum) <= 1e-12 * scale + 1e-15, $"n = {n}, {bits} bits: {sum:R} vs {expected:R}");
                Assert.Equal(42, p[^1]);
            }
        });
    }
}
