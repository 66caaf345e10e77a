namespace Vpf.Kernels.Tests;

// Tolerances: δ is compared with a double reference of the same clamped single-precision field, allowing
// 1e-6 × ((1 − x)e^{u/2} + x e^{−u/2}) (a few ulps of the larger term: δ is a difference and may cancel);
// Σφ (accumulated in double) is compared with relative tolerance 1e-5 (observed ≈ 1e-7); the clamp count exactly.
[Collection("KernelSettings")]
public sealed class FlowTermsTests
{
    private const double DeltaTol = 1e-6, PhiRel = 1e-5;

    private static (double Phi, long Clamped, double[] Delta, double[] Scale) Reference(float[] x, float[] field, float limit)
    {
        double phi = 0;
        long clamped = 0;
        var delta = new double[field.Length];
        var scale = new double[field.Length];
        for (int i = 0; i < field.Length; i++)
        {
            double u = field[i];
            if (u > limit) { u = limit; clamped++; }
            else if (u < -limit) { u = -limit; clamped++; }
            double up = Math.Exp(0.5 * u), down = Math.Exp(-0.5 * u);
            phi += x[i] * down + (1 - x[i]) * up;
            delta[i] = 0.5 * ((1 - x[i]) * up - x[i] * down);
            scale[i] = Math.Abs(1 - x[i]) * up + Math.Abs(x[i]) * down;
        }
        return (phi, clamped, delta, scale);
    }

    private static (float[] X, float[] U) Inputs(int n, int seed)
    {
        float[] x = Data.Uniform(n, 0, 1, seed);
        float[] u = Data.Uniform(n, -70, 70, seed + 1); // beyond ±60 to exercise the clamp
        for (int i = 0; i < n; i += 3) x[i] = i % 2; // binary states mixed with rates
        return (x, u);
    }

    private static void Check(float[] x, float[] u, float[] delta, FlowSums sums, float limit, string where)
    {
        var (phi, clamped, d, scale) = Reference(x, u, limit);
        Assert.Equal(clamped, sums.Clamped);
        Assert.True(Math.Abs(sums.Phi - phi) <= PhiRel * Math.Abs(phi), $"{where}: Σφ {sums.Phi:R} vs {phi:R}");
        for (int i = 0; i < u.Length; i++) Data.Close(d[i], delta[i], 0, DeltaTol * scale[i], $"{where} δ[{i}]");
    }

    [Fact]
    public void Matches_the_double_reference_for_every_length_and_width()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in Data.Lengths)
                foreach (float limit in new[] { FlowTerms.DefaultFieldLimit, 5f })
                {
                    var (x, u) = Inputs(n, n);
                    var delta = new float[n + 1];
                    delta[^1] = 3f;
                    FlowSums sums = FlowTerms.Compute(x, u, delta.AsSpan(0, n), limit);
                    Check(x, u, delta[..n], sums, limit, $"bits {bits} n {n} limit {limit}");
                    Assert.Equal(3f, delta[^1]);
                    if (n == 0) Assert.Equal(new FlowSums(0, 0), sums);
                }
        });
    }

    [Fact]
    public void Binary_states_give_the_MPF_term()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 1, 7, 8, 9, 33, 64 })
            {
                float[] u = Data.Uniform(n, -25, 25, n);
                var x = new float[n];
                for (int i = 0; i < n; i++) x[i] = (i * 7 + 3) % 5 < 2 ? 1f : 0f;
                var delta = new float[n];
                FlowSums sums = FlowTerms.Compute(x, u, delta);
                double expected = 0;
                for (int i = 0; i < n; i++)
                {
                    double phi = Math.Exp(0.5 * (1 - 2 * x[i]) * u[i]);
                    expected += phi;
                    // δ = ±φ/2: +½e^{u/2} for x = 0, −½e^{−u/2} for x = 1
                    Data.Close((x[i] == 0 ? 0.5 : -0.5) * phi, delta[i], DeltaTol, 0, $"bits {bits} n {n} δ[{i}]");
                }
                Assert.Equal(0, sums.Clamped);
                Assert.True(Math.Abs(sums.Phi - expected) <= PhiRel * expected, $"bits {bits} n {n}: Σφ {sums.Phi:R} vs {expected:R}");
            }
        });
    }

    [Fact]
    public void Mean_field_fixed_point_has_zero_delta_and_phi_one_over_cosh()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 1, 5, 8, 13, 40, 71 })
            {
                float[] u = Data.Uniform(n, -4, 4, n + 17);
                var x = new float[n];
                for (int i = 0; i < n; i++) x[i] = (float)(1 / (1 + Math.Exp(-(double)u[i])));
                var delta = new float[n];
                FlowSums sums = FlowTerms.Compute(x, u, delta);
                double expected = 0;
                for (int i = 0; i < n; i++)
                {
                    expected += 1 / Math.Cosh(0.5 * u[i]);
                    // δ vanishes up to the rounding of x = σ(u) (½ ulp) times e^{|u|/2}
                    double bound = 5e-7 * (Math.Exp(0.5 * u[i]) + Math.Exp(-0.5 * u[i]));
                    Assert.True(Math.Abs(delta[i]) <= bound, $"bits {bits} u {u[i]}: δ = {delta[i]:E3} > {bound:E3}");
                }
                Assert.True(Math.Abs(sums.Phi - expected) <= PhiRel * expected, $"bits {bits} n {n}: Σφ {sums.Phi:R} vs {expected:R}");
            }
        });
    }

    [Fact]
    public void Large_infinite_and_NaN_fields_are_clamped_counted_or_propagated()
    {
        float[] specials = [1000f, -1000f, float.PositiveInfinity, float.NegativeInfinity, 60f, -60f, 60.0001f, 2f];
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 8, 11, 16, 19, 40 })
            {
                var u = new float[n];
                var x = new float[n];
                for (int i = 0; i < n; i++) { u[i] = specials[(i + n) % specials.Length]; x[i] = (i % 3) * 0.5f; }
                var delta = new float[n];
                FlowSums sums = FlowTerms.Compute(x, u, delta);
                Check(x, u, delta, sums, FlowTerms.DefaultFieldLimit, $"bits {bits} n {n}");
                long expectedClamped = u.Count(v => Math.Abs(v) > 60f);
                Assert.Equal(expectedClamped, sums.Clamped);
                Assert.True(double.IsFinite(sums.Phi));
                // δ of a clamped unit is that of the clamped field
                for (int i = 0; i < n; i++)
                    if (u[i] > 60f)
                        Data.Close(0.5 * ((1 - x[i]) * Math.Exp(30) - x[i] * Math.Exp(-30)), delta[i], DeltaTol, 1e-30, $"bits {bits} δ[{i}]");

                // One NaN, in the vector body (index 2) or the scalar tail (last): φ and its δ become NaN, not counted.
                foreach (int at in new[] { 2, n - 1 })
                {
                    float[] withNaN = (float[])u.Clone();
                    withNaN[at] = float.NaN;
                    FlowSums s = FlowTerms.Compute(x, withNaN, delta);
                    Assert.True(double.IsNaN(s.Phi), $"bits {bits} n {n} NaN at {at}: Σφ = {s.Phi}");
                    Assert.True(float.IsNaN(delta[at]));
                    Assert.Equal(withNaN.Count(v => Math.Abs(v) > 60f), s.Clamped);
                    for (int i = 0; i < n; i++) if (i != at) Assert.False(float.IsNaN(delta[i]));
                }
            }
        });
    }

    [Fact]
    public void In_place_and_unaligned_spans()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 3, 8, 21, 37, 64 })
            {
                var (x, u) = Inputs(n, 100 + n);
                var expected = new float[n];
                FlowSums reference = FlowTerms.Compute(x, u, expected);
                float[] inPlace = (float[])u.Clone();
                FlowSums sums = FlowTerms.Compute(x, inPlace, inPlace);
                Data.BitEqual(expected, inPlace, $"bits {bits} n {n} δ in place of u");
                Assert.Equal(reference, sums);
                float[] overStates = (float[])x.Clone();
                Assert.Equal(reference, FlowTerms.Compute(overStates, u, overStates));
                Data.BitEqual(expected, overStates, $"bits {bits} n {n} δ in place of x");

                foreach (int offset in new[] { 1, 3 })
                {
                    var xa = new float[n + offset]; x.CopyTo(xa, offset);
                    var ua = new float[n + offset]; u.CopyTo(ua, offset);
                    var da = new float[n + offset];
                    FlowSums s = FlowTerms.Compute(xa.AsSpan(offset), ua.AsSpan(offset), da.AsSpan(offset));
                    Check(x, u, da[offset..], s, FlowTerms.DefaultFieldLimit, $"bits {bits} n {n} offset {offset}");
                }
            }
        });
    }

    [Fact]
    public void Large_inputs_are_independent_of_the_thread_count()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 32_768, 100_003 })
            {
                var (x, u) = Inputs(n, 5);
                (FlowSums, float[]) Run(int threads) => VectorWidth.Threads(threads, () =>
                {
                    var delta = new float[n];
                    return (FlowTerms.Compute(x, u, delta), delta);
                });
                var (s1, d1) = Run(1);
                var (s2, d2) = Run(2);
                Assert.Equal(s1.Phi, s2.Phi); // bit-exact: chunk partials are added in chunk order
                Assert.Equal(s1.Clamped, s2.Clamped);
                Data.BitEqual(d1, d2, $"bits {bits} n {n}");
                var (phi, clamped, _, _) = Reference(x, u, FlowTerms.DefaultFieldLimit);
                Assert.Equal(clamped, s1.Clamped);
                Assert.True(Math.Abs(s1.Phi - phi) <= PhiRel * phi, $"bits {bits} n {n}: {s1.Phi:R} vs {phi:R}");
            }
        });
    }

    [Fact]
    public void Rejects_short_spans_bad_limits_and_shifted_aliasing()
    {
        var e = Assert.Throws<ArgumentException>(() => FlowTerms.Compute(new float[9], new float[10], new float[10]));
        Assert.Equal("states", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);
        e = Assert.Throws<ArgumentException>(() => FlowTerms.Compute(new float[10], new float[10], new float[7]));
        Assert.Equal("delta", e.ParamName);
        foreach (float limit in new[] { 0f, -1f, float.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => FlowTerms.Compute(new float[4], new float[4], new float[4], limit));
        var shared = new float[12];
        e = Assert.Throws<ArgumentException>(() => FlowTerms.Compute(new float[10], shared.AsSpan(0, 10), shared.AsSpan(2, 10)));
        Assert.Equal("delta", e.ParamName);
    }

    [Fact]
    public void FlowSums_add()
        => Assert.Equal(new FlowSums(3.5, 7), new FlowSums(1, 3) + new FlowSums(2.5, 4));
}
