namespace Vpf.Kernels.Tests;

// Oracles in double: δ = u − x exactly representable up to one rounding, Σ(½(x − u)² − 1) with relative tolerance 1e-6
// of Σ(½ r² + 1); the hidden errors e = g t + g(1 − 2s) q within a few ulps of |g t| + |g(1 − 2s) q|.
[Collection("KernelSettings")]
public sealed class GaussianUnitsTests
{
    [Fact]
    public void Score_matching_terms_match_the_double_reference_for_every_length_and_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
            {
                float[] x = Data.Uniform(n, -4, 4, n), u = Data.Uniform(n, -4, 4, n + 1);
                var delta = new float[n + 1];
                delta[^1] = 3f;
                var sums = GaussianUnits.ScoreMatchingTerms(x, u, delta.AsSpan(0, n));
                double sum = 0, scale = 0;
                for (int i = 0; i < n; i++)
                {
                    double r = (double)x[i] - u[i];
                    sum += 0.5 * r * r - 1;
                    scale += 0.5 * r * r + 1;
                    Assert.Equal((float)-r, delta[i]);
                }
                Assert.True(Math.Abs(sums.Phi - sum) <= 1e-6 * scale, $"bits {bits} n {n}: Σ {sums.Phi:R} vs {sum:R}");
                Assert.Equal(0, sums.Clamped);
                Assert.Equal(3f, delta[^1]);
            }
        });
    }

    [Fact]
    public void Hidden_errors_match_the_double_reference_for_every_shape_and_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 1, 3, 7, 8, 9, 16, 17, 33 })
                foreach (int rows in new[] { 1, 2, 5 })
                {
                    float[] s = Data.Uniform(rows * n, 0, 1, n), t = Data.Uniform(rows * n, -3, 3, n + 1), q = Data.Uniform(n, 0, 5, n + 2);
                    var e = (float[])t.Clone();
                    GaussianUnits.ScoreMatchingHiddenErrors(s, q, e, rows);
                    for (int k = 0; k < rows * n; k++)
                    {
                        double si = s[k], g = si * (1 - si), a = g * t[k], b = g * (1 - 2 * si) * q[k % n];
                        Data.Close(a + b, e[k], 0, 1e-6 * (Math.Abs(a) + Math.Abs(b)) + 1e-7, $"bits {bits} n {n} rows {rows} e[{k}]");
                    }
                }
        });
    }

    [Fact]
    public void Gaussian_draws_agree_on_every_width_repeat_exactly_and_have_zero_mean_and_unit_variance()
    {
        const int rows = 400, n = 101;
        float[] input = Data.Uniform(rows * n, -2, 2, 5), bias = Data.Uniform(n, -1, 1, 6);
        float[] Draw()
        {
            var means = new float[rows * n];
            var states = new float[rows * n];
            GaussianUnits.Sample(input, bias, means, states, rows, key: 42);
            for (int k = 0; k < states.Length; k++) Assert.Equal(input[k] + bias[k % n], means[k]);
            return states;
        }
        var reference = VectorWidth.Run(0, Draw);
        foreach (int bits in VectorWidth.All)
        {
            // The same uniforms: the draws differ by the rounding of Log and Cos only (|Z| ≤ 5.8 with 24-bit uniforms).
            var draws = VectorWidth.Run(bits, Draw);
            for (int k = 0; k < draws.Length; k++) Data.Close(reference[k], draws[k], 0, 1e-5, $"bits {bits} draw {k}");
            Assert.Equal(draws, VectorWidth.Run(bits, Draw));
        }
        double sum = 0, squares = 0;
        for (int k = 0; k < reference.Length; k++)
        {
            double z = reference[k] - ((double)input[k] + bias[k % n]);
            sum += z;
            squares += z * z;
        }
        int count = reference.Length;
        double mean = sum / count, variance = squares / count - mean * mean;
        // Standard errors 1/√N ≈ 0.005 and √(2/N) ≈ 0.007; four of them.
        Assert.True(Math.Abs(mean) < 0.02, $"mean {mean}");
        Assert.True(Math.Abs(variance - 1) < 0.03, $"variance {variance}");
    }

    [Fact]
    public void Shape_errors_name_the_argument()
    {
        var error = Assert.Throws<ArgumentException>(() => GaussianUnits.Sample(new float[5], new float[3], new float[6], new float[6], 2, 1));
        Assert.Equal("input", error.ParamName);
        var delta = Assert.Throws<ArgumentException>(() => GaussianUnits.ScoreMatchingTerms(new float[4], new float[4], new float[3]));
        Assert.Equal("delta", delta.ParamName);
    }
}
