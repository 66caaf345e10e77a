using Vpf.Core.Model;
using Vpf.Core.Sampling;
using Vpf.Kernels;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>The Gibbs conditional of a Gaussian visible layer, p(v | h) = N(b + W h, I), and the chains it drives.</summary>
public class GaussianGibbsTests
{
    [Fact]
    public void Visible_draws_have_the_analytic_conditional_mean_and_unit_variance()
    {
        var model = GaussianModels.Random("3-2", seed: 81);
        const int chains = 20_000;
        var gibbs = new LayerGibbs(model, chains);
        var states = new[] { new float[chains * 3], new float[chains * 2] };
        for (int r = 0; r < chains; r++) { states[1][r * 2] = 1; states[1][r * 2 + 1] = 0; }
        var means = new float[chains * 3];
        gibbs.Update(states, 0, 1f, null, key: 99, probabilities: means);

        var expected = KnownGaussianRbm.Mean(model, code: 1);
        for (int i = 0; i < 3; i++)
        {
            double sum = 0, squares = 0;
            for (int r = 0; r < chains; r++)
            {
                Assert.Equal(expected[i], means[r * 3 + i], 1e-5);
                double d = states[0][r * 3 + i] - expected[i];
                sum += d;
                squares += d * d;
            }
            double mean = sum / chains, variance = squares / chains - mean * mean;
            // Standard errors: 1/√N ≈ 0.007 for the mean, √(2/N) ≈ 0.01 for the variance; 4 of them.
            Assert.True(Math.Abs(mean) < 0.03, $"unit {i}: mean offset {mean}");
            Assert.True(Math.Abs(variance - 1) < 0.04, $"unit {i}: variance {variance}");
        }
    }

    [Fact]
    public void Gibbs_chains_reach_the_exact_moments_of_v()
    {
        var model = GaussianModels.Random("2-3", seed: 82, scale: 0.6);
        var p = KnownGaussianRbm.HiddenMarginal(model);
        var exactMean = new double[2];
        var exactSquare = new double[2];
        for (int code = 0; code < p.Length; code++)
        {
            var a = KnownGaussianRbm.Mean(model, code);
            for (int i = 0; i < 2; i++) { exactMean[i] += p[code] * a[i]; exactSquare[i] += p[code] * (a[i] * a[i] + 1); }
        }
        const int chains = 4000;
        var sampler = new GibbsSampler(model, chains, seed: 5);
        sampler.InitialiseRandom();
        sampler.Step(40);
        var v = sampler.States[0];
        for (int i = 0; i < 2; i++)
        {
            double mean = 0, square = 0;
            for (int r = 0; r < chains; r++) { mean += v[r * 2 + i]; square += v[r * 2 + i] * v[r * 2 + i]; }
            mean /= chains;
            square /= chains;
            double variance = exactSquare[i] - exactMean[i] * exactMean[i];
            Assert.True(Math.Abs(mean - exactMean[i]) < 4 * Math.Sqrt(variance / chains), $"unit {i}: mean {mean}, exact {exactMean[i]}");
            Assert.True(Math.Abs(square - exactSquare[i]) < 0.1 * exactSquare[i], $"unit {i}: E[v²] {square}, exact {exactSquare[i]}");
        }
    }

    [Fact]
    public void Mean_field_reconstruction_of_a_Gaussian_layer_is_its_conditional_mean_given_the_hidden_rates()
    {
        var model = GaussianModels.Random("3-2", seed: 84);
        float[] v = [0.5f, -1.5f, 2f, 1f, 0f, -0.25f];
        var p = Vpf.Core.Training.HeldOutMetrics.Reconstruct(model, v, 2);
        for (int r = 0; r < 2; r++)
        {
            var mu = new double[2];
            for (int j = 0; j < 2; j++)
            {
                double a = model.Biases(1)[j];
                for (int i = 0; i < 3; i++) a += v[r * 3 + i] * model.Weights(0)[i * 2 + j];
                mu[j] = 1 / (1 + Math.Exp(-a));
            }
            for (int i = 0; i < 3; i++)
                Assert.Equal(model.Biases(0)[i] + mu[0] * model.Weights(0)[i * 2] + mu[1] * model.Weights(0)[i * 2 + 1], p[r * 3 + i], 1e-5);
        }
        var error = Assert.Throws<InvalidOptionsException>(() => Vpf.Core.Training.HeldOutMetrics.ReconstructionCrossEntropy(model, v, 2));
        Assert.Contains("ReconstructionCrossEntropy", error.Message);
    }

    [Fact]
    public void A_dbm_starts_the_layer_above_a_Gaussian_visible_layer_from_the_doubled_input_around_zero()
    {
        var model = GaussianModels.Random("3-2-2", seed: 85);
        Assert.Equal(model.Biases(1), Vpf.Core.Inference.MeanFieldSweep.StartBias(model, 1));
        var binary = new DeepBoltzmannMachine(model.Parameters.WithArchitecture(Architecture.Dbm(3, 2, 2)));
        for (int j = 0; j < 2; j++)
        {
            double columnSum = model.Weights(0)[j] + model.Weights(0)[2 + j] + model.Weights(0)[4 + j];
            Assert.Equal(model.Biases(1)[j] - 0.5 * columnSum, Vpf.Core.Inference.MeanFieldSweep.StartBias(binary, 1)[j], 1e-6);
        }
    }

    [Fact]
    public void The_same_key_gives_the_same_draws_and_another_key_other_draws()
    {
        float[] input = [0.5f, -1f, 2f, 0f, 0f, 0f];
        float[] bias = [0.1f, 0.2f, 0.3f];
        var a = new float[6];
        var b = new float[6];
        var c = new float[6];
        var means = new float[6];
        GaussianUnits.Sample(input, bias, means, a, 2, key: 7);
        GaussianUnits.Sample(input, bias, means, b, 2, key: 7);
        GaussianUnits.Sample(input, bias, means, c, 2, key: 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal([0.6f, -0.8f, 2.3f, 0.1f, 0.2f, 0.3f], means);
    }
}
