namespace Vpf.Kernels.Tests;

// Sampling is integer arithmetic plus one exact int→float conversion, so every path must be bit-identical
// to the scalar definition spikes[i] = CounterRandom.Uniform(key, i) < p[i]; no tolerance is involved.
// Statistical checks use fixed keys (deterministic) with 4σ bounds.
[Collection("KernelSettings")]
public sealed class BernoulliTests
{
    private static float[] Expected(float[] p, ulong key)
    {
        var s = new float[p.Length];
        for (int i = 0; i < p.Length; i++) s[i] = CounterRandom.Uniform(key, (uint)i) < p[i] ? 1f : 0f;
        return s;
    }

    private static float[] Probabilities(int n, int seed)
    {
        float[] p = Data.Uniform(n, 0, 1, seed);
        for (int i = 0; i < n; i += 5) p[i] = 0f;
        for (int i = 2; i < n; i += 7) p[i] = 1f;
        return p;
    }

    [Fact]
    public void Every_width_and_length_matches_the_scalar_definition_bit_for_bit()
    {
        VectorWidth.Each(bits =>
        {
            foreach (ulong key in new ulong[] { 0, 1, 0xDEADBEEF_12345678ul, ulong.MaxValue })
                foreach (int n in Data.Lengths)
                {
                    float[] p = Probabilities(n, n);
                    var spikes = new float[n + 1];
                    spikes[^1] = 5f;
                    Bernoulli.Sample(p, spikes.AsSpan(0, n), key);
                    Data.BitEqual(Expected(p, key), spikes[..n], $"bits {bits} key {key:X} n {n}");
                    Assert.Equal(5f, spikes[^1]);
                    for (int i = 0; i < n; i++)
                    {
                        if (p[i] == 0f) Assert.Equal(0f, spikes[i]);
                        if (p[i] == 1f) Assert.Equal(1f, spikes[i]);
                    }
                }
        });
    }

    [Fact]
    public void In_place_and_unaligned_spans_use_the_index_within_the_span()
    {
        VectorWidth.Each(bits =>
        {
            foreach (int n in new[] { 1, 4, 7, 8, 9, 31, 70 })
            {
                float[] p = Probabilities(n, 40 + n);
                float[] expected = Expected(p, 77);
                float[] inPlace = (float[])p.Clone();
                Bernoulli.Sample(inPlace, inPlace, 77);
                Data.BitEqual(expected, inPlace, $"bits {bits} n {n} in place");
                foreach (int offset in new[] { 1, 3 })
                {
                    var pa = new float[n + offset]; p.CopyTo(pa, offset);
                    var sa = new float[n + offset];
                    sa[0] = 9f;
                    Bernoulli.Sample(pa.AsSpan(offset), sa.AsSpan(offset), 77);
                    Data.BitEqual(expected, sa[offset..], $"bits {bits} n {n} offset {offset}");
                    Assert.Equal(9f, sa[0]);
                }
            }
        });
    }

    [Fact]
    public void A_slice_drawn_with_its_counter_offset_equals_that_slice_of_the_whole_draw()
    {
        // 70_000 elements span several chunks, so the offset must also reach every chunk after the first.
        int n = 70_000;
        float[] p = Probabilities(n, 9);
        float[] whole = Expected(p, 55);
        VectorWidth.Each(bits =>
        {
            foreach (int threads in new[] { 1, 2 })
                foreach (int cut in new[] { 0, 1, 13, 33_333, n - 5 })
                {
                    float[] spikes = VectorWidth.Threads(threads, () =>
                    {
                        var s = new float[n];
                        Bernoulli.SampleFrom(p.AsSpan(0, cut), s.AsSpan(0, cut), 55, 0);
                        Bernoulli.SampleFrom(p.AsSpan(cut), s.AsSpan(cut), 55, (uint)cut);
                        return s;
                    });
                    Data.BitEqual(whole, spikes, $"bits {bits} threads {threads} cut {cut}");
                }
        });
    }

    [Fact]
    public void Counters_past_two_to_the_32_are_refused()
    {
        var p = new float[8];
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Bernoulli.SampleFrom(p, p, 1, uint.MaxValue - 3));
        Assert.Equal("firstCounter", ex.ParamName);
        Bernoulli.SampleFrom(p, p, 1, uint.MaxValue - 7); // the last 8 counters are fine
    }

    [Fact]
    public void Large_inputs_are_independent_of_the_thread_count_and_width()
    {
        int n = 100_003;
        float[] p = Probabilities(n, 1);
        float[] expected = Expected(p, 123);
        VectorWidth.Each(bits =>
        {
            foreach (int threads in new[] { 1, 2 })
            {
                float[] spikes = VectorWidth.Threads(threads, () =>
                {
                    var s = new float[n];
                    Bernoulli.Sample(p, s, 123);
                    return s;
                });
                Data.BitEqual(expected, spikes, $"bits {bits} threads {threads}");
            }
        });
    }

    [Fact]
    public void Spike_rate_matches_the_probability()
    {
        const int n = 1_000_000;
        foreach (float rate in new[] { 0.01f, 0.3f, 0.5f, 0.97f })
        {
            var p = new float[n];
            Array.Fill(p, rate);
            var spikes = new float[n];
            Bernoulli.Sample(p, spikes, CounterRandom.StreamKey(5, (ulong)(rate * 100)));
            double mean = spikes.Average(v => (double)v);
            double sigma = Math.Sqrt(rate * (1 - rate) / n);
            Assert.True(Math.Abs(mean - rate) <= 4 * sigma, $"rate {rate}: mean {mean}");
            Assert.All(spikes, v => Assert.True(v == 0f || v == 1f));
        }
    }

    [Fact]
    public void Uniforms_have_mean_one_half_and_a_flat_histogram()
    {
        const int n = 1_000_000;
        foreach (ulong key in new ulong[] { 0, 1, CounterRandom.StreamKey(42, 3, 7) })
        {
            double sum = 0;
            var bins = new long[16];
            for (uint i = 0; i < n; i++)
            {
                float u = CounterRandom.Uniform(key, i);
                Assert.True(u >= 0f && u < 1f);
                sum += u;
                bins[(int)(u * 16)]++;
            }
            double sigma = Math.Sqrt(1d / 12 / n);
            Assert.True(Math.Abs(sum / n - 0.5) <= 4 * sigma, $"key {key}: mean {sum / n}");
            double expected = n / 16d, chi2 = bins.Sum(b => (b - expected) * (b - expected) / expected);
            // 15 degrees of freedom: P(χ² < 3.0) ≈ 0.04% and P(χ² > 44.3) ≈ 0.01%
            Assert.InRange(chi2, 3.0, 44.3);
        }
    }

    [Fact]
    public void Different_keys_give_uncorrelated_streams()
    {
        const int n = 200_000;
        ulong[] keys = [0, 1, 2, 1ul << 32, 3ul << 32, CounterRandom.StreamKey(1), CounterRandom.StreamKey(1, 1), CounterRandom.StreamKey(1, 0, 1)];
        Assert.Equal(keys.Length, keys.Distinct().Count());
        var streams = keys.Select(k => Enumerable.Range(0, n).Select(i => (double)CounterRandom.Uniform(k, (uint)i)).ToArray()).ToArray();
        for (int a = 0; a < keys.Length; a++)
            for (int b = a + 1; b < keys.Length; b++)
            {
                double[] x = streams[a], y = streams[b];
                double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
                int equal = 0;
                for (int i = 0; i < n; i++)
                {
                    sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my);
                    if (x[i] == y[i]) equal++;
                }
                double r = sxy / Math.Sqrt(sxx * syy);
                Assert.True(Math.Abs(r) <= 4 / Math.Sqrt(n), $"keys {keys[a]:X}/{keys[b]:X}: correlation {r}");
                // equal 24-bit values by chance: n / 2^24 ≈ 0.012 expected
                Assert.True(equal <= 3, $"keys {keys[a]:X}/{keys[b]:X}: {equal} equal values");
            }
        // Neighbouring counters are not correlated either (lag-1 autocorrelation).
        double[] s = streams[0];
        double m = s.Average(), lag = 0, v = 0;
        for (int i = 0; i + 1 < n; i++) { lag += (s[i] - m) * (s[i + 1] - m); v += (s[i] - m) * (s[i] - m); }
        Assert.True(Math.Abs(lag / v) <= 4 / Math.Sqrt(n), $"lag-1 autocorrelation {lag / v}");
    }

    [Fact]
    public void Uniform_depends_only_on_key_and_counter_and_stream_keys_differ()
    {
        Assert.Equal(CounterRandom.Uniform(99, 12345), CounterRandom.Uniform(99, 12345));
        Assert.NotEqual(CounterRandom.Uniform(99, 12345), CounterRandom.Uniform(99, 12346));
        Assert.Equal(CounterRandom.StreamKey(7, 1, 2), CounterRandom.StreamKey(7, 1, 2));
        var keys = new HashSet<ulong>();
        for (ulong seed = 0; seed < 4; seed++)
            for (ulong a = 0; a < 8; a++)
                for (ulong b = 0; b < 8; b++) keys.Add(CounterRandom.StreamKey(seed, a, b));
        Assert.Equal(4 * 8 * 8, keys.Count);
    }

    [Fact]
    public void Rejects_short_spikes_and_shifted_aliasing()
    {
        var e = Assert.Throws<ArgumentException>(() => Bernoulli.Sample(new float[10], new float[9], 1));
        Assert.Equal("spikes", e.ParamName);
        Assert.Contains("10", e.Message);
        Assert.Contains("9", e.Message);
        var shared = new float[12];
        e = Assert.Throws<ArgumentException>(() => Bernoulli.Sample(shared.AsSpan(0, 10), shared.AsSpan(1, 10), 1));
        Assert.Equal("spikes", e.ParamName);
        Bernoulli.Sample(ReadOnlySpan<float>.Empty, Span<float>.Empty, 1); // empty is fine
    }
}
