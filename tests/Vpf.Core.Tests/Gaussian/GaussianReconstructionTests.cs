using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Reconstruction;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>
/// Reconstruction of real values with Gaussian visible units (vpf-math.md §9): the corruptions, the conditional-mean
/// estimates against closed forms and enumeration, and the squared-error protocol against the mean fill.
/// </summary>
public class GaussianReconstructionTests
{
    [Fact]
    public void Gaussian_noise_has_the_asked_spread_is_reproducible_and_does_not_depend_on_batching()
    {
        const int rows = 200, d = 50;
        var clean = Enumerable.Range(0, rows * d).Select(i => (float)Math.Sin(i)).ToArray();
        var noise = Corruption.AddGaussianNoise(0.5);
        Assert.Equal(CorruptionKind.GaussianNoise, noise.Kind);
        var batch = noise.Apply(clean, rows, d, seed: 3);
        double sum = 0, squares = 0;
        for (int i = 0; i < clean.Length; i++)
        {
            double e = batch.Values[i] - clean[i];
            sum += e;
            squares += e * e;
        }
        int n = clean.Length;
        // 10,000 draws: the mean's standard error is 0.005, the variance's 0.25²·√(2/n) ≈ 0.0035.
        Assert.InRange(sum / n, -0.02, 0.02);
        Assert.InRange(squares / n, 0.25 - 0.015, 0.25 + 0.015);
        Assert.All(batch.Known, Assert.True);
        Assert.Equal(n, batch.CorruptedCount);
        Assert.Equal(batch.Values, noise.Apply(clean, rows, d, seed: 3).Values);
        Assert.NotEqual(batch.Values, noise.Apply(clean, rows, d, seed: 4).Values);
        var second = noise.Apply(clean.AsSpan(100 * d), rows - 100, d, seed: 3, firstRow: 100);
        Assert.Equal(batch.Values.AsSpan(100 * d).ToArray(), second.Values);
        Assert.Throws<InvalidOptionsException>(() => Corruption.AddGaussianNoise(0));
    }

    [Fact]
    public void Hiding_a_fraction_hides_exactly_that_many_values_of_each_row()
    {
        const int rows = 30, d = 10;
        var clean = Enumerable.Range(0, rows * d).Select(i => 1f + i).ToArray();
        var batch = Corruption.HideFraction(0.35).Apply(clean, rows, d, seed: 1);
        Assert.Equal(CorruptionKind.Occlusion, batch.Kind);
        for (int r = 0; r < rows; r++)
        {
            int hidden = 0;
            for (int k = 0; k < d; k++)
            {
                int i = r * d + k;
                Assert.Equal(!batch.Known[i], batch.Corrupted[i]);
                if (batch.Known[i]) Assert.Equal(clean[i], batch.Values[i]);
                else { hidden++; Assert.Equal(0f, batch.Values[i]); }
            }
            Assert.Equal(4, hidden); // round(3.5) away from zero
        }
        Assert.Throws<InvalidOptionsException>(() => Corruption.HideFraction(1.5));
    }

    [Fact]
    public void One_denoising_sweep_of_an_RBM_is_the_conditional_mean_given_the_hidden_rates_of_the_noisy_values()
    {
        var model = GaussianModels.Random("4-3", seed: 21);
        var clean = new float[] { 0.5f, -1f, 1.5f, 0f, -0.3f, 0.8f, 2f, -2f };
        var batch = Corruption.AddGaussianNoise(0.4).Apply(clean, 2, 4, seed: 2);
        var estimate = new Reconstructor(model).Reconstruct(batch);
        var w = model.Weights(0);
        var b = model.Biases(0);
        var c = model.Biases(1);
        for (int r = 0; r < 2; r++)
        {
            var mu = new double[3];
            for (int j = 0; j < 3; j++)
            {
                double u = c[j];
                for (int i = 0; i < 4; i++) u += batch.Values[r * 4 + i] * w[i * 3 + j];
                mu[j] = 1 / (1 + Math.Exp(-u));
            }
            for (int i = 0; i < 4; i++)
            {
                double mean = b[i];
                for (int j = 0; j < 3; j++) mean += w[i * 3 + j] * mu[j];
                Assert.Equal(mean, estimate[r * 4 + i], 1e-5);
            }
        }
    }

    [Fact]
    public void Mean_field_in_filling_reaches_the_fixed_point_of_the_conditional_means_and_keeps_the_known_values()
    {
        var model = GaussianModels.Random("5-4", seed: 22, scale: 0.4);
        var values = new float[] { 0.7f, 0, -1.2f, 0, 0.4f };
        var known = new[] { true, false, true, false, true };
        var states = new Reconstructor(model).InferMissingStates(values, known, 1, sweeps: 200);
        var v = states[0];
        var mu = states[1];
        var w = model.Weights(0);
        for (int j = 0; j < 4; j++)
        {
            double u = model.Biases(1)[j];
            for (int i = 0; i < 5; i++) u += v[i] * w[i * 4 + j];
            Assert.Equal(1 / (1 + Math.Exp(-u)), mu[j], 1e-5);
        }
        for (int i = 0; i < 5; i++)
        {
            if (known[i]) { Assert.Equal(values[i], v[i]); continue; }
            double mean = model.Biases(0)[i];
            for (int j = 0; j < 4; j++) mean += w[i * 4 + j] * mu[j];
            Assert.Equal(mean, v[i], 1e-5);
        }
    }

    [Fact]
    public void Gibbs_averaging_estimates_the_exact_conditional_mean_of_the_hidden_values()
    {
        var model = GaussianModels.Random("4-3", seed: 23, scale: 0.8);
        var values = new float[] { 1.1f, 0, -0.6f, 0 };
        var known = new[] { true, false, true, false };
        var options = new ReconstructionOptions { Method = ReconstructionMethod.Gibbs, GibbsBurnIn = 50, GibbsSamples = 20000, Seed = 5 };
        var estimate = new Reconstructor(model, options).GibbsAverage(values, known, 1);
        var exact = ExactConditionalMean(model, values, known);
        Assert.Equal(values[0], estimate[0]);
        Assert.Equal(values[2], estimate[2]);
        // The Rao–Blackwellised average of b_i + (W h)_i over 20,000 correlated sweeps: its standard error here is below 0.01.
        Assert.Equal(exact[1], estimate[1], 0.03);
        Assert.Equal(exact[3], estimate[3], 0.03);
    }

    [Fact]
    public void Flips_are_refused_for_Gaussian_units_and_Gaussian_noise_for_binary_units()
    {
        var clean = new float[] { 1, 0, 1 };
        var gaussian = new Reconstructor(GaussianModels.Random("3-2", seed: 24));
        var flips = Assert.Throws<InvalidOptionsException>(() => gaussian.Reconstruct(Corruption.FlipPixels(0.3).Apply(clean, 1, 3, 0)));
        Assert.Equal("Corruption", flips.Option);
        var binary = new Reconstructor(TinyModels.Random(Architecture.Rbm(3, 2), seed: 24));
        var noise = Assert.Throws<InvalidOptionsException>(() => binary.Reconstruct(Corruption.AddGaussianNoise(0.3).Apply(clean, 1, 3, 0)));
        Assert.Equal("Corruption", noise.Option);
    }

    [Fact]
    public void Squared_error_protocol_scores_the_model_beside_the_corrupted_input_and_the_mean_fill()
    {
        const int rows = 60, d = 6;
        var rng = new Random(25);
        var train = RealDataset.FromValues(Enumerable.Range(0, rows * d).Select(i => (float)(i % d * 0.3 + TinyModels.Normal(rng))).ToArray(), rows, d);
        var test = RealDataset.FromValues(Enumerable.Range(0, 40 * d).Select(i => (float)(i % d * 0.3 + TinyModels.Normal(rng))).ToArray(), 40, d);
        var means = train.ColumnMeans();
        // No weights and visible biases at the training means: the model's estimate of an untrusted value is the mean fill.
        var model = new DeepBoltzmannMachine(Architecture.Rbm(d, 3).WithVisibleUnits(VisibleUnitKind.Gaussian));
        for (int i = 0; i < d; i++) model.Biases(0)[i] = (float)means[i];
        var reports = ReconstructionEvaluation.EvaluateSquaredError(model, train, test,
            [Corruption.AddGaussianNoise(0.5), Corruption.HideFraction(0.5)], seed: 2, batchSize: 7);
        Assert.Equal(2, reports.Count);
        var noise = reports[0];
        var cleanRows = new float[40 * d];
        test.CopyRows(Enumerable.Range(0, 40).ToArray(), cleanRows);
        double fill = 0;
        for (int t = 0; t < cleanRows.Length; t++) fill += Math.Pow(cleanRows[t] - means[t % d], 2);
        fill /= cleanRows.Length;
        Assert.Equal(fill, noise.MeanFill.ErrorOnCorrupted, 1e-9);
        Assert.Equal(fill, noise.Model.ErrorOnCorrupted, 1e-6);
        Assert.Equal(40 * d, noise.Model.CorruptedValues);
        Assert.InRange(noise.CorruptedInput.ErrorOnCorrupted, 0.25 * 0.8, 0.25 * 1.2);
        var hidden = reports[1];
        Assert.Equal(hidden.MeanFill.ErrorOnCorrupted, hidden.Model.ErrorOnCorrupted, 1e-6);
        Assert.Equal(hidden.MeanFill.ErrorOnAll, hidden.Model.ErrorOnAll, 1e-6);
        Assert.Equal(40 * 3, hidden.Model.CorruptedValues);
        // Batching changes nothing.
        var whole = ReconstructionEvaluation.EvaluateSquaredError(model, train, test,
            [Corruption.AddGaussianNoise(0.5), Corruption.HideFraction(0.5)], seed: 2);
        Assert.Equal(reports.Select(r => r.Model), whole.Select(r => r.Model));
    }

    [Fact]
    public void A_trained_model_beats_the_mean_fill_on_correlated_columns()
    {
        // Two groups of perfectly correlated columns: a hidden value is predictable from its group's visible ones.
        const int d = 6;
        var model = new DeepBoltzmannMachine(Architecture.Rbm(d, 2).WithVisibleUnits(VisibleUnitKind.Gaussian));
        // v ~ N(±1.5, 1) by group, the sign set by the group's hidden unit (both equally likely: c = 0 balances them).
        for (int i = 0; i < d; i++) model.Weights(0)[i * 2 + i / 3] = 3f;
        for (int i = 0; i < d; i++) model.Biases(0)[i] = -1.5f;
        var sampler = new Vpf.Core.Sampling.GibbsSampler(model, 400, 3);
        sampler.InitialiseRandom();
        var drawn = sampler.Sample(1, 200, 1, Vpf.Core.Sampling.GibbsRecord.Visible).Visible;
        var data = RealDataset.FromValues(drawn, 400, d);
        var (train, test) = data.Split(200);
        var report = ReconstructionEvaluation.EvaluateSquaredError(model, train, test, [Corruption.HideFraction(1.0 / 6)], seed: 1)[0];
        // Mean fill: the variance 1 + 1.5² = 3.25; the model: about the noise variance 1.
        Assert.True(report.Model.ErrorOnCorrupted < 0.5 * report.MeanFill.ErrorOnCorrupted,
            $"model {report.Model.ErrorOnCorrupted} against mean fill {report.MeanFill.ErrorOnCorrupted}");
    }

    /// <summary>
    /// E[v_u | v_k] of an RBM by enumerating h: integrating v_u out leaves p(h | v_k) ∝ exp(cᵀh + v_kᵀW_k h + ½|b_u + W_u h|²),
    /// and E[v_u | h] = b_u + W_u h.
    /// </summary>
    private static double[] ExactConditionalMean(DeepBoltzmannMachine model, float[] values, bool[] known)
    {
        int d = model.LayerSize(0), m = model.LayerSize(1);
        var w = model.Weights(0);
        var b = model.Biases(0);
        var c = model.Biases(1);
        var logWeights = new double[1 << m];
        var means = new double[1 << m][];
        for (int code = 0; code < 1 << m; code++)
        {
            double t = 0;
            for (int j = 0; j < m; j++) t += ((code >> j) & 1) * c[j];
            means[code] = new double[d];
            for (int i = 0; i < d; i++)
            {
                double field = 0;
                for (int j = 0; j < m; j++) field += w[i * m + j] * ((code >> j) & 1);
                if (known[i]) t += values[i] * field;
                else
                {
                    means[code][i] = b[i] + field;
                    t += 0.5 * means[code][i] * means[code][i];
                }
            }
            logWeights[code] = t;
        }
        double max = logWeights.Max(), total = logWeights.Sum(x => Math.Exp(x - max));
        var result = new double[d];
        for (int code = 0; code < 1 << m; code++)
            for (int i = 0; i < d; i++) result[i] += Math.Exp(logWeights[code] - max) / total * means[code][i];
        return result;
    }
}
