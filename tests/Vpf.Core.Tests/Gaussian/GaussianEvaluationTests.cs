using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>The evaluation report of a model with Gaussian visible units against the closed forms it is built from.</summary>
public class GaussianEvaluationTests
{
    private const int D = 6;

    /// <summary>Raw rows: two classes with different column means, columns on scales 1…6 and offsets, so that the standardisation matters.</summary>
    private static RealDataset Raw(int count, int seed)
    {
        var rng = new Random(seed);
        var values = new float[count * D];
        var labels = new byte[count];
        for (int r = 0; r < count; r++)
        {
            labels[r] = (byte)(r % 2);
            for (int c = 0; c < D; c++)
                values[r * D + c] = (float)(10 * c + (c + 1) * (TinyModels.Normal(rng) + (labels[r] == 1 ? 1.5 : -1.5)));
        }
        return RealDataset.FromValues(values, count, D, labels);
    }

    private static readonly RealDataset RawTrain = Raw(200, 1);
    private static readonly Standardisation Scale = Standardisation.Fit(RawTrain);
    private static readonly RealDataset Train = Scale.Apply(RawTrain);
    private static readonly RealDataset Test = Scale.Apply(Raw(80, 2));

    private static EvaluationOptions Small => new()
    {
        Seed = 3,
        LogLikelihood = new LogLikelihoodSectionOptions { AisRuns = 100, AisSchedule = AisSchedule.Piecewise((0.5, 300), (0.9, 1000), (1.0, 1700)) },
        LinearProbe = new LinearProbeSectionOptions { Probe = new LinearProbeOptions { MaxTrainRows = 200 } },
    };

    [Fact]
    public void An_RBM_gets_exact_and_AIS_likelihoods_on_both_scales_squared_error_reconstruction_and_the_probe()
    {
        var model = GaussianModels.Random("6-8", seed: 31, scale: 0.5);
        var report = ModelEvaluator.Evaluate(model, Train, Test, Small, standardisation: Scale);
        var test = new float[80 * D];
        Test.CopyRows(Enumerable.Range(0, 80).ToArray(), test);

        var ll = report.LogLikelihood!;
        double logZ = GaussianRbmLikelihood.LogPartition(model);
        Assert.Equal(logZ, ll.Exact!.LogPartition, 1e-9);
        Assert.Equal(8, ll.Exact.EnumeratedUnits);
        Assert.Equal(GaussianRbmLikelihood.MeanLogLikelihood(model, test, 80, logZ), ll.Exact.MeanLogLikelihood, 1e-9);
        Assert.Equal(AisLikelihoodKind.FreeEnergy, ll.Ais!.Kind);
        Assert.Equal(ll.Exact.MeanLogLikelihood, ll.Ais.MeanLogLikelihood, 0.05);
        // The training columns are standardised (mean 0, variance 1), so the baseline is the standard normal density.
        double standardNormal = -test.Sum(z => 0.5 * Math.Log(2 * Math.PI) + 0.5 * (double)z * z) / 80;
        Assert.Equal(standardNormal, ll.IndependentPixels, 1e-4);

        // log p(x) = log p(z) − Σ log s_c, the scales being the raw columns' spreads (about c + 1 ± the class offset).
        double logDet = Scale.Scales.Sum(s => Math.Log(s));
        var data = ll.DataScale!;
        Assert.Equal(logDet, data.LogDeterminant, 1e-9);
        Assert.Equal(ll.Exact.MeanLogLikelihood - logDet, data.Exact!.Value, 1e-9);
        Assert.Equal(ll.Ais.MeanLogLikelihood - logDet, data.Ais!.Value, 1e-9);
        Assert.Equal(ll.IndependentPixels - logDet, data.IndependentPixels, 1e-9);
        Assert.True(logDet > 3, $"log-determinant {logDet}");

        var denoising = report.Denoising!.Corruptions;
        Assert.Equal(["add Gaussian noise (σ = 0.5)", "hide 25% of values"], denoising.Select(c => c.Corruption));
        Assert.Equal(80 * D, denoising[0].Model.CorruptedValues);
        Assert.InRange(denoising[0].CorruptedInput.ErrorOnCorrupted, 0.25 * 0.8, 0.25 * 1.2);
        Assert.Null(report.Reconstruction);
        Assert.Null(report.HeldOut);
        Assert.Null(report.Parzen);
        Assert.True(report.LinearProbe!.Result.HiddenAccuracy > 0.75, $"probe accuracy {report.LinearProbe.Result.HiddenAccuracy}");

        string json = report.ToJson();
        Assert.Contains("\"denoising\":", json);
        Assert.Contains("\"dataScale\":", json);
        Assert.DoesNotContain("predictors", json);
        var back = EvaluationReport.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(data, back.LogLikelihood!.DataScale);
        Assert.Equal(report.WithoutTimings().ToJson(), ModelEvaluator.Evaluate(model, Train, Test, Small, standardisation: Scale).WithoutTimings().ToJson());
    }

    [Fact]
    public void Without_a_standardisation_there_is_no_data_scale_and_a_DBM_gets_the_variational_bound()
    {
        var model = GaussianModels.Random("6-4-3", seed: 32, scale: 0.5);
        var options = Small with { Reconstruction = null, LinearProbe = null };
        var report = ModelEvaluator.Evaluate(model, Train, Test, options);
        var ll = report.LogLikelihood!;
        Assert.Null(ll.DataScale);
        Assert.Null(ll.Exact);
        Assert.Equal(AisLikelihoodKind.VariationalLowerBound, ll.Ais!.Kind);
        var test = new float[80 * D];
        Test.CopyRows(Enumerable.Range(0, 80).ToArray(), test);
        Assert.Equal(VariationalBound.MeanLowerBound(model, test, 80, ll.Ais.LogPartition.LogZ), ll.Ais.MeanLogLikelihood, 1e-9);
        Assert.DoesNotContain("dataScale", report.ToJson());
    }

    [Fact]
    public void The_variational_bound_of_a_Gaussian_RBM_is_its_exact_log_likelihood()
    {
        // For an RBM mean field is the exact posterior, so the bound is tight: −F(v) − log Z with F's ½|v − b|² term.
        var model = GaussianModels.Random("4-3", seed: 33);
        var v = new float[] { 0.3f, -1.1f, 2f, 0.5f, -0.7f, 0.1f, 0f, 1.4f };
        double logZ = GaussianRbmLikelihood.LogPartition(model);
        var bounds = VariationalBound.LowerBounds(model, v, 2, logZ);
        var exact = GaussianRbmLikelihood.FreeEnergies(model, v, 2);
        for (int r = 0; r < 2; r++) Assert.Equal(-exact[r] - logZ, bounds[r], 1e-5);
    }

    [Fact]
    public void Binary_rows_and_standardisations_are_checked_against_the_kind_of_visible_unit()
    {
        var binary = TinyModels.Random(Architecture.Rbm(D, 3), seed: 34);
        var real = Assert.Throws<ArgumentException>(() => ModelEvaluator.Evaluate(binary, Train, Test, Small));
        Assert.Equal("train", real.ParamName);
        var bits = BinaryDataset.FromBinaryRows(new float[,] { { 1, 0, 1, 0, 1, 0 }, { 0, 1, 1, 0, 0, 1 } });
        var scaled = Assert.Throws<InvalidOptionsException>(() => ModelEvaluator.Evaluate(binary, (Dataset)bits, bits, Small, standardisation: Scale));
        Assert.Equal("standardisation", scaled.Option);
        var gaussian = GaussianModels.Random("6-3", seed: 35);
        var wrong = new Standardisation([0f, 0f], [1f, 1f]);
        Assert.Equal("standardisation",
            Assert.Throws<InvalidOptionsException>(() => ModelEvaluator.Evaluate(gaussian, Train, Test, Small, standardisation: wrong)).Option);
    }

    [Fact]
    public void A_binary_model_gives_the_same_report_through_either_overload_and_no_Gaussian_fields_in_its_JSON()
    {
        var binary = TinyModels.Random(Architecture.Rbm(D, 3), seed: 36);
        var bits = BinaryDataset.FromBinaryRows(new float[,] { { 1, 0, 1, 0, 1, 0 }, { 0, 1, 1, 0, 0, 1 }, { 1, 1, 0, 0, 1, 1 } });
        var options = Small with { LinearProbe = null, Parzen = null };
        var direct = ModelEvaluator.Evaluate(binary, bits, bits, options).WithoutTimings().ToJson();
        Assert.Equal(direct, ModelEvaluator.Evaluate(binary, (Dataset)bits, bits, options).WithoutTimings().ToJson());
        Assert.DoesNotContain("denoising", direct);
        Assert.DoesNotContain("dataScale", direct);
    }
}
