using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Kernels;

namespace Vpf.Core.Tests.Evaluation;

public class AisTests
{
    // A short schedule of the paper's shape (3,000 temperatures instead of 14,500) keeps each estimate to a fraction of a
    // second. On these tiny models the 100 log-weights spread by only a few hundredths of a nat, so the standard error of
    // log mean w is ~0.01 (observed errors: ≤ 0.013 nats over every case below) and 0.05 nats is several standard errors;
    // the exact value must also fall inside the estimate's own ±3σ bounds.
    private const double LogZTolerance = 0.05;
    private static readonly AisSchedule Short = AisSchedule.Piecewise((0.5, 300), (0.9, 1000), (1.0, 1700));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rbm_log_partition_is_within_tolerance_of_exact(int seed)
    {
        // 10-6 RBM, every parameter ~ N(0, 1).
        var model = TinyModels.Random(Architecture.Rbm(10, 6), seed, scale: 1.0);
        AssertClose(model, new AisOptions { Schedule = Short, Seed = 1 });
    }

    [Fact]
    public void Base_rate_from_data_marginals_gives_the_same_log_partition()
    {
        var model = TinyModels.Random(Architecture.Rbm(10, 6), seed: 4, scale: 1.0);
        var marginals = Enumerable.Range(0, 10).Select(i => 0.1 + 0.08 * i).ToArray();
        AssertClose(model, new AisOptions { Schedule = Short, Seed = 2, DataMarginals = marginals });
    }

    /// <summary>
    /// DBMs summed out analytically over odd layers (no laterals, laterals in even layers, visible laterals) and DBMs run
    /// on the full joint state (laterals in an odd layer; fully visible machine).
    /// </summary>
    [Theory]
    [InlineData("4-3-2", true)]
    [InlineData("3-3-2L", true)]
    [InlineData("3L-4", true)]
    [InlineData("3-2-2-2", true)]
    [InlineData("3-2L-2", false)]
    [InlineData("2L-3L-2", false)]
    [InlineData("6L", false)]
    public void Dbm_log_partition_is_within_tolerance_of_exact(string name, bool sumsOutOddLayers)
    {
        var architecture = TinyModels.Parse(name);
        Assert.Equal(sumsOutOddLayers, AnnealedImportanceSampling.SumsOutOddLayers(architecture));
        var model = TinyModels.Random(architecture, seed: 12, scale: 1.0);
        AssertClose(model, new AisOptions { Schedule = Short, Seed = 3 });
    }

    [Fact]
    public void Same_seed_gives_the_same_estimate_whatever_the_thread_count()
    {
        var model = TinyModels.Random(TinyModels.Parse("40-30L-20"), seed: 5, scale: 0.3);
        AisEstimate Run(int threads, ulong seed)
        {
            int saved = KernelSettings.MaxThreads;
            try
            {
                KernelSettings.MaxThreads = threads;
                return AnnealedImportanceSampling.EstimateLogPartition(model,
                    new AisOptions { Schedule = AisSchedule.Uniform(50), Runs = 64, Seed = seed });
            }
            finally { KernelSettings.MaxThreads = saved; }
        }
        var one = Run(1, 7);
        Assert.Equal(one, Run(Math.Max(2, Environment.ProcessorCount), 7));
        Assert.NotEqual(one.LogZ, Run(1, 8).LogZ);
    }

    [Fact]
    public void Default_schedule_has_the_papers_14500_temperatures()
    {
        var s = AisSchedule.Default;
        Assert.Equal(14500, s.Temperatures);
        Assert.Equal(0.0, s.Betas[0]);
        Assert.Equal(0.5, s.Betas[500], 12);
        Assert.Equal(0.9, s.Betas[4500], 12);
        Assert.Equal(1.0, s.Betas[^1]);
        for (int k = 1; k < s.Betas.Count; k++) Assert.True(s.Betas[k] > s.Betas[k - 1]);
        Assert.Throws<InvalidOptionsException>(() => AisSchedule.Piecewise((0.5, 10)));
        Assert.Throws<InvalidOptionsException>(() => AisSchedule.FromBetas([0, 0.5, 0.5, 1]));
    }

    [Theory]
    [InlineData("6-4")]
    [InlineData("5L-3")]
    public void Rbm_test_log_likelihood_is_minus_free_energy_minus_log_partition(string name)
    {
        var model = TinyModels.Random(TinyModels.Parse(name), seed: 9, scale: 1.0);
        var rows = BruteForce.AllVisible(model.LayerSize(0));
        double logZ = ExactLikelihood.LogPartition(model);
        double mean = AnnealedImportanceSampling.RbmMeanLogLikelihood(model, rows.SelectMany(r => r).ToArray(), rows.Length, logZ);
        // Single-precision fields (|u| ≲ 5, 6 terms): errors ~1e-6.
        Assert.Equal(ExactLikelihood.MeanLogLikelihood(model, rows, logZ), mean, 1e-5);
    }

    private static void AssertClose(DeepBoltzmannMachine model, AisOptions options)
    {
        double exact = ExactLikelihood.LogPartition(model);
        var estimate = AnnealedImportanceSampling.EstimateLogPartition(model, options);
        Assert.Equal(options.Schedule.Temperatures, estimate.Temperatures);
        Assert.Equal(options.Runs, estimate.Runs);
        Assert.InRange(estimate.LogZ, exact - LogZTolerance, exact + LogZTolerance);
        Assert.InRange(exact, estimate.LogZLower, estimate.LogZUpper);
        Assert.Equal(estimate, AnnealedImportanceSampling.EstimateLogPartition(model, options));
    }
}
