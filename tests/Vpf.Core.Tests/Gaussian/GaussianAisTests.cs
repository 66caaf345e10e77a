using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Sampling;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>
/// AIS with the Gaussian base model N(a, I) (vpf-math.md §9, "AIS") against the closed-form log Z of a Gaussian RBM and
/// against enumeration of the hidden layers of small Gaussian DBMs with v integrated out in closed form.
/// </summary>
public class GaussianAisTests
{
    // The binary AIS tests' short schedule and tolerance (AisTests): on these small models the 100 log-weights spread by a
    // few hundredths of a nat, so 0.05 nats is several standard errors; the exact value must also fall inside the ±3σ bounds.
    private const double LogZTolerance = 0.05;
    private static readonly AisSchedule Short = AisSchedule.Piecewise((0.5, 300), (0.9, 1000), (1.0, 1700));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rbm_log_partition_is_within_tolerance_of_the_closed_form(int seed)
    {
        // 6-8, every parameter ~ N(0, 0.5²): |b + W h| reaches ~4, so log Z is far from the base's.
        var model = GaussianModels.Random("6-8", seed, scale: 0.5);
        AssertClose(model, GaussianRbmLikelihood.LogPartition(model), new AisOptions { Schedule = Short, Seed = (ulong)seed });
    }

    [Fact]
    public void A_base_mean_at_the_data_gives_the_same_log_partition()
    {
        var model = GaussianModels.Random("6-8", seed: 4, scale: 0.5);
        var means = Enumerable.Range(0, 6).Select(i => -0.6 + 0.25 * i).ToArray();
        AssertClose(model, GaussianRbmLikelihood.LogPartition(model), new AisOptions { Schedule = Short, Seed = 5, VisibleBaseMeans = means });
    }

    /// <summary>A DBM summed out over its odd layer, one run on the joint state (lateral weights in layer 1), a 4-layer DBM.</summary>
    [Theory]
    [InlineData("3-4-2", true)]
    [InlineData("2-3L-2", false)]
    [InlineData("2-3-2-2", true)]
    public void Dbm_log_partition_is_within_tolerance_of_enumeration(string name, bool sumsOutOddLayers)
    {
        var model = GaussianModels.Random(name, seed: 12, scale: 0.6);
        Assert.Equal(sumsOutOddLayers, AnnealedImportanceSampling.SumsOutOddLayers(model.Architecture));
        AssertClose(model, EnumeratedLogPartition(model), new AisOptions { Schedule = Short, Seed = 3 });
    }

    [Fact]
    public void Test_log_likelihood_from_AIS_is_within_tolerance_of_the_exact_one()
    {
        var model = GaussianModels.Random("6-8", seed: 6, scale: 0.5);
        var rng = new Random(60);
        const int rows = 40;
        var data = Enumerable.Range(0, rows * 6).Select(_ => (float)TinyModels.Normal(rng)).ToArray();
        double exactLogZ = GaussianRbmLikelihood.LogPartition(model);
        double exact = GaussianRbmLikelihood.MeanLogLikelihood(model, data, rows, exactLogZ);
        var estimate = AnnealedImportanceSampling.EstimateLogPartition(model, new AisOptions { Schedule = Short, Seed = 8 });
        double viaAis = AnnealedImportanceSampling.RbmMeanLogLikelihood(model, data, rows, estimate.LogZ);
        Assert.Equal(exact, viaAis, LogZTolerance);
        // With the exact log Z the AIS routine's free-energy path is the closed form itself.
        Assert.Equal(exact, AnnealedImportanceSampling.RbmMeanLogLikelihood(model, data, rows, exactLogZ), 1e-9);
    }

    [Fact]
    public void A_base_of_the_other_kind_of_visible_unit_is_refused_naming_the_option()
    {
        var gaussian = GaussianModels.Random("3-2", seed: 7);
        var marginals = Assert.Throws<InvalidOptionsException>(() => AnnealedImportanceSampling.EstimateLogPartition(gaussian,
            new AisOptions { Schedule = AisSchedule.Uniform(3), DataMarginals = [0.5, 0.5, 0.5] }));
        Assert.Equal("DataMarginals", marginals.Option);
        Assert.Contains("VisibleBaseMeans", marginals.Message);
        var binary = TinyModels.Random(Architecture.Rbm(3, 2), seed: 7);
        var means = Assert.Throws<InvalidOptionsException>(() => AnnealedImportanceSampling.EstimateLogPartition(binary,
            new AisOptions { Schedule = AisSchedule.Uniform(3), VisibleBaseMeans = [0, 0, 0] }));
        Assert.Equal("VisibleBaseMeans", means.Option);
        var wrongLength = Assert.Throws<InvalidOptionsException>(() => AnnealedImportanceSampling.EstimateLogPartition(gaussian,
            new AisOptions { Schedule = AisSchedule.Uniform(3), VisibleBaseMeans = [0, 0] }));
        Assert.Contains("expected 3 means", wrongLength.Message);
    }

    [Fact]
    public void The_annealed_visible_conditional_has_mean_beta_times_the_field_plus_the_base_and_clamped_units_stay()
    {
        var model = GaussianModels.Random("3-2", seed: 83);
        var gibbs = new LayerGibbs(model, 2);
        float[] h = [1, 0, 1, 1];
        var states = new[] { new float[6], h };
        float[] a = [0.5f, -1f, 2f];
        var means = new float[6];
        gibbs.Update(states, 0, 0.25f, a, key: 1, probabilities: means);
        var w = model.Weights(0);
        var b = model.Biases(0);
        for (int r = 0; r < 2; r++)
            for (int i = 0; i < 3; i++)
            {
                double field = b[i] + w[i * 2] * h[r * 2] + w[i * 2 + 1] * h[r * 2 + 1];
                Assert.Equal(0.25 * field + 0.75 * a[i], means[r * 3 + i], 1e-5);
            }

        var clamp = new[] { true, false, false, false, false, true };
        float[] values = [7f, 0, 0, 0, 0, -7f];
        gibbs.Update(states, 0, 1f, null, key: 2, clamp: clamp, clampValues: values, probabilities: means);
        Assert.Equal(7f, states[0][0]);
        Assert.Equal(-7f, states[0][5]);
        Assert.Equal(7f, means[0]);
        Assert.Equal(-7f, means[5]);
        Assert.Equal(b[1] + w[2] * h[0] + w[3] * h[1], means[1], 1e-5);
    }

    /// <summary>
    /// log Z of a Gaussian-visible machine by enumerating every hidden layer and integrating v in closed form:
    /// ∫ exp(−E(v, h)) dv = exp(−E(0, h)) (2π)^{D/2} exp(½|b + W h¹|²), since −E(v, h) = −E(0, h) − ½|v|² + vᵀ(b + W h¹).
    /// </summary>
    private static double EnumeratedLogPartition(DeepBoltzmannMachine model)
    {
        int d = model.LayerSize(0), hidden = model.Architecture.LayerSizes.Skip(1).Sum();
        var states = model.Architecture.LayerSizes.Select(n => new float[n]).ToArray();
        var w = model.Weights(0);
        var b = model.Biases(0);
        int n1 = model.LayerSize(1);
        var terms = new double[1L << hidden];
        for (long code = 0; code < terms.Length; code++)
        {
            int bit = 0;
            for (int l = 1; l < states.Length; l++)
                for (int k = 0; k < states[l].Length; k++) states[l][k] = (code >> bit++) & 1;
            double square = 0;
            for (int i = 0; i < d; i++)
            {
                double a = b[i];
                for (int j = 0; j < n1; j++) a += w[i * n1 + j] * states[1][j];
                square += a * a;
            }
            terms[code] = -model.Energy(states) + 0.5 * d * Math.Log(2 * Math.PI) + 0.5 * square;
        }
        return ExactLikelihood.LogSumExp(terms);
    }

    private static void AssertClose(DeepBoltzmannMachine model, double exact, AisOptions options)
    {
        var estimate = AnnealedImportanceSampling.EstimateLogPartition(model, options);
        Assert.Equal(options.Schedule.Temperatures, estimate.Temperatures);
        Assert.InRange(estimate.LogZ, exact - LogZTolerance, exact + LogZTolerance);
        Assert.InRange(exact, estimate.LogZLower, estimate.LogZUpper);
        Assert.Equal(estimate, AnnealedImportanceSampling.EstimateLogPartition(model, options));
    }
}
