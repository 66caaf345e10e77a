using Vpf.Core.Model;
using Vpf.Core.Sampling;
using Vpf.Core.Tests.Evaluation;
using Vpf.Core.Tests.Support;
using Vpf.Kernels;

namespace Vpf.Core.Tests.Sampling;

public class GibbsSamplerTests
{
    // Tolerance on the total-variation distance between the empirical and the exact distribution.
    // With N_eff effectively independent samples over K states, each |p̂_s − p_s| is ≈ |N(0, p_s(1 − p_s)/N_eff)|, so
    //   E[TV] ≈ ½ Σ_s √(2 p_s / (π N_eff)) ≤ ½ √(2K / (π N_eff))   (Cauchy–Schwarz),
    //   sd[TV] ≤ ½ √((1 − 2/π) / N_eff).
    // The tests record N = 200 chains × 1,000 recordings = 200,000 states, 2 sweeps apart. Tiny models with weights of
    // scale 0.7 mix within a sweep or two; counting only N_eff ≥ N/2 = 100,000 and the largest K = 128:
    //   E[TV] ≤ 0.0128 and sd[TV] ≤ 0.001, so 0.02 is more than 7 standard deviations above the worst-case mean.
    private const double TotalVariationTolerance = 0.02;
    private const int Chains = 200, Recordings = 1000, Thinning = 2, BurnIn = 50;

    public static TheoryData<string> Architectures => ["3-2L-2", "4-3", "5L", "2L-3-2L"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Empirical_joint_distribution_matches_exact_enumeration(string name)
    {
        var model = TinyModels.Random(TinyModels.Parse(name), seed: 21);
        var sampler = new GibbsSampler(model, Chains, seed: 5);
        sampler.InitialiseRandom();
        var samples = sampler.Sample(Recordings, BurnIn, Thinning, GibbsRecord.States);

        var empirical = Histogram(model, samples.States!, samples.Rows, BruteForce.TotalUnits(model), free: null);
        var exact = BruteForce.Distribution(model);
        Assert.InRange(BruteForce.TotalVariation(empirical, exact), 0, TotalVariationTolerance);
    }

    [Fact]
    public void The_test_can_tell_a_sampler_that_ignores_lateral_weights()
    {
        // Power check for the tolerance above: the exact distribution of the same model without its lateral weights is
        // far more than 0.02 away from what a correct sampler produces.
        var model = TinyModels.Random(TinyModels.Parse("3-2L-2"), seed: 21);
        var sampler = new GibbsSampler(model, Chains, seed: 5);
        sampler.InitialiseRandom();
        var samples = sampler.Sample(Recordings, BurnIn, Thinning, GibbsRecord.States);
        var empirical = Histogram(model, samples.States!, samples.Rows, BruteForce.TotalUnits(model), free: null);

        var withoutLaterals = new DeepBoltzmannMachine(model.Parameters.Clone());
        Array.Clear(withoutLaterals.Lateral(1)!);
        Assert.True(BruteForce.TotalVariation(empirical, BruteForce.Distribution(withoutLaterals)) > 3 * TotalVariationTolerance);
    }

    [Theory]
    [InlineData("3-2L-2")]
    [InlineData("5L")]
    public void Clamped_units_never_change_and_free_units_follow_the_exact_conditional(string name)
    {
        var model = TinyModels.Random(TinyModels.Parse(name), seed: 33);
        int n0 = model.LayerSize(0), total = BruteForce.TotalUnits(model);
        // Clamp visible units 0 and 2: v0 = 1, v2 = 0.
        var mask = new bool[n0];
        var values = new float[n0];
        mask[0] = mask[2] = true;
        values[0] = 1;
        var sampler = new GibbsSampler(model, Chains, seed: 8);
        sampler.InitialiseRandom();
        sampler.Clamp(mask, values);
        var samples = sampler.Sample(Recordings, BurnIn, Thinning, GibbsRecord.States | GibbsRecord.VisibleProbabilities);

        for (int r = 0; r < samples.Rows; r++)
        {
            Assert.Equal(1f, samples.Visible[r * n0]);
            Assert.Equal(0f, samples.Visible[r * n0 + 2]);
            Assert.Equal(1f, samples.VisibleProbabilities![r * n0]);
        }

        // Exact conditional over the free units: the joint restricted to v0 = 1, v2 = 0, renormalised.
        var joint = BruteForce.Distribution(model);
        var free = Enumerable.Range(0, total).Where(i => i != 0 && i != 2).ToArray();
        var exact = new double[1 << free.Length];
        for (long s = 0; s < joint.Length; s++)
            if ((s & 1) == 1 && (s & 4) == 0) exact[Compress(s, free)] += joint[s];
        double mass = exact.Sum();
        for (int i = 0; i < exact.Length; i++) exact[i] /= mass;

        var empirical = Histogram(model, samples.States!, samples.Rows, total, free);
        // K ≤ 32 states here: the bound of the tolerance comment holds with room to spare.
        Assert.InRange(BruteForce.TotalVariation(empirical, exact), 0, TotalVariationTolerance);
    }

    [Fact]
    public void Per_chain_clamps_apply_to_their_own_chain()
    {
        var model = TinyModels.Random(TinyModels.Parse("4-3"), seed: 2);
        var sampler = new GibbsSampler(model, chains: 3, seed: 1);
        var mask = new bool[12];
        var values = new float[12];
        mask[0] = true; values[0] = 1;          // chain 0: unit 0 on
        mask[4 + 1] = true;                      // chain 1: unit 1 off
        sampler.InitialiseRandom();
        sampler.Clamp(mask, values);
        var samples = sampler.Sample(200);
        for (int s = 0; s < 200; s++)
        {
            Assert.Equal(1f, samples.Visible[(s * 3 + 0) * 4 + 0]);
            Assert.Equal(0f, samples.Visible[(s * 3 + 1) * 4 + 1]);
        }
        // Chain 2 is free: its unit 0 takes both values.
        Assert.Contains(Enumerable.Range(0, 200), s => samples.Visible[(s * 3 + 2) * 4] == 0f);
        Assert.Contains(Enumerable.Range(0, 200), s => samples.Visible[(s * 3 + 2) * 4] == 1f);
    }

    [Fact]
    public void Released_units_are_sampled_again()
    {
        var model = TinyModels.Random(TinyModels.Parse("4-3"), seed: 2);
        var sampler = new GibbsSampler(model, chains: 3, seed: 1);
        var mask = new bool[4];
        mask[0] = true;                          // unit 0 held at 0 in every chain
        sampler.InitialiseRandom();
        sampler.Clamp(mask, new float[4]);
        var held = sampler.Sample(50);
        Assert.All(Enumerable.Range(0, held.Rows), r => Assert.Equal(0f, held.Visible[r * 4]));
        sampler.ReleaseClamp();
        var free = sampler.Sample(200);
        Assert.Contains(Enumerable.Range(0, free.Rows), r => free.Visible[r * 4] == 1f);
    }

    [Fact]
    public void Same_seed_gives_the_same_samples_whatever_the_thread_count()
    {
        // 60 chains of a 64-unit lateral layer: enough work per call to run the chains on several threads.
        var model = TinyModels.Random(TinyModels.Parse("64L-20"), seed: 4, scale: 0.2);
        float[] Run(int threads, ulong seed)
        {
            int saved = KernelSettings.MaxThreads;
            try
            {
                KernelSettings.MaxThreads = threads;
                var sampler = new GibbsSampler(model, 60, seed);
                sampler.InitialiseRandom();
                return sampler.Sample(5, burnIn: 3).Visible;
            }
            finally { KernelSettings.MaxThreads = saved; }
        }
        var one = Run(1, 9);
        Assert.Equal(one, Run(Math.Max(2, Environment.ProcessorCount), 9));
        Assert.Equal(one, Run(1, 9));
        Assert.NotEqual(one, Run(1, 10));
    }

    [Fact]
    public void Initialising_from_data_starts_every_chain_at_its_row()
    {
        var model = TinyModels.Random(TinyModels.Parse("4-3-2"), seed: 2);
        var sampler = new GibbsSampler(model, chains: 5, seed: 3);
        float[] data = [1, 0, 1, 1, 0, 1, 0, 0];
        sampler.InitialiseFromData(data, rows: 2);
        for (int r = 0; r < 5; r++)
            Assert.Equal(data.AsSpan(r % 2 * 4, 4).ToArray(), sampler.States[0].AsSpan(r * 4, 4).ToArray());
        Assert.All(sampler.States[1], x => Assert.True(x is 0f or 1f));
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var model = TinyModels.Random(TinyModels.Parse("4-3"), seed: 2);
        Assert.Throws<InvalidOptionsException>(() => new GibbsSampler(model, 0, 1));
        var sampler = new GibbsSampler(model, 2, 1);
        Assert.Throws<InvalidOptionsException>(() => sampler.Sample(1, thinning: 0));
        Assert.Throws<ArgumentException>(() => sampler.Clamp(new bool[3], new float[3]));
    }

    /// <summary>Empirical distribution of the joint state (or of the units listed in <paramref name="free"/>).</summary>
    private static double[] Histogram(DeepBoltzmannMachine model, float[][] states, int rows, int totalUnits, int[]? free)
    {
        var counts = new double[1 << (free?.Length ?? totalUnits)];
        for (int r = 0; r < rows; r++)
        {
            long bits = 0;
            int shift = 0;
            for (int l = 0; l < model.LayerCount; l++)
            {
                int n = model.LayerSize(l);
                for (int i = 0; i < n; i++) if (states[l][r * n + i] != 0) bits |= 1L << (shift + i);
                shift += n;
            }
            counts[free is null ? bits : Compress(bits, free)]++;
        }
        for (int i = 0; i < counts.Length; i++) counts[i] /= rows;
        return counts;
    }

    private static int Compress(long bits, int[] positions)
    {
        int c = 0;
        for (int i = 0; i < positions.Length; i++) if (((bits >> positions[i]) & 1) != 0) c |= 1 << i;
        return c;
    }
}
