using System.Globalization;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Reconstruction;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>One line of a metrics table.</summary>
/// <param name="Metric">What is measured.</param>
/// <param name="Value">The value (NaN when not computed).</param>
/// <param name="Baselines">Reference values (trivial predictors, raw pixels), by name; empty when there are none.</param>
/// <param name="Note">How it was measured.</param>
public sealed record MetricRow(string Metric, double Value, IReadOnlyList<(string Name, double Value)> Baselines, string Note)
{
    /// <summary>A row with one named baseline, or none when <paramref name="baseline"/> is NaN.</summary>
    public MetricRow(string metric, double value, string baselineName, double baseline, string note)
        : this(metric, value, double.IsNaN(baseline) ? [] : [(baselineName, baseline)], note) { }

    /// <summary>The baselines as text, e.g. "corrupted input 0.1, majority fill 0.3".</summary>
    public string BaselineText => Baselines.Count == 0 ? "—" : string.Join(", ", Baselines.Select(b => $"{b.Name} {ModelEvaluation.Format(b.Value)}"));
}

/// <summary>How much effort the evaluation spends.</summary>
internal sealed record EvaluationBudget(int Rows, int AisRuns, int AisTemperatures, int ProbeRows, int Seed);

/// <summary>Held-out evaluation of one model, as a list of metric rows.</summary>
internal static class ModelEvaluation
{
    public static List<MetricRow> Run(CliContext context, string name, DeepBoltzmannMachine model, ModelFileInfo? info, DataSet data, EvaluationBudget budget)
    {
        var rows = new List<MetricRow>();
        int n = Math.Min(budget.Rows, data.Test.Count);
        var batch = HeldOut.Batch(data.Test, n);
        var marginals = data.Train.ColumnMeans();

        // Flow objective of the method that trained the model.
        var vpf = info?.ReadVpfOptions() ?? new VpfOptions();
        string method = info?.TrainingMethod ?? "vpf";
        if (method is "vpf" || (method is "mpf-rbm" && model.Architecture.IsRbm))
        {
            ITrainingObjective objective = method == "vpf" ? new VariationalProbabilityFlow(vpf) : new MpfRbm();
            rows.Add(new MetricRow($"held-out K ({method})", HeldOut.K(objective, model, batch, n), "", double.NaN, $"{n} held-out images"));
        }

        // One up-down mean-field pass against the pixel-marginal predictor.
        var p = HeldOut.Reconstruct(model, batch, n, vpf.MeanFieldSweeps);
        var trivial = new float[batch.Length];
        for (int i = 0; i < trivial.Length; i++) trivial[i] = (float)marginals[i % model.LayerSize(0)];
        rows.Add(new MetricRow("reconstruction cross-entropy (nats/image)", HeldOut.CrossEntropy(p, batch, n),
            "pixel marginals", HeldOut.CrossEntropy(trivial, batch, n), $"clean image → hidden rates → visible probabilities, {n} images"));

        // Corrupted-image reconstruction beside the trivial predictors.
        var test = data.Test.Subset(0, n);
        var corruptions = new List<Corruption> { Corruption.FlipPixels(0.1) };
        if (data.Test.ImageRows > 1 && data.Test.ImageColumns > 0) corruptions.Add(Corruption.HideBottomHalf(data.Test));
        foreach (var rep in ReconstructionEvaluation.Evaluate(model, data.Train, test, corruptions,
                     new ReconstructionOptions { Seed = budget.Seed }, budget.Seed))
        {
            rows.Add(new MetricRow($"{rep.Corruption}: pixel error on corrupted pixels", rep.Model.ErrorOnCorrupted,
                [("corrupted input", rep.CorruptedInput.ErrorOnCorrupted), ("majority fill", rep.MajorityFill.ErrorOnCorrupted)],
                $"{rep.Method} reconstruction, {rep.Images} images, {rep.Model.CorruptedPixels:N0} corrupted pixels"));
            rows.Add(new MetricRow($"{rep.Corruption}: cross-entropy on corrupted pixels (nats/pixel)", rep.Model.CrossEntropyOnCorrupted,
                [("corrupted input", rep.CorruptedInput.CrossEntropyOnCorrupted), ("majority fill", rep.MajorityFill.CrossEntropyOnCorrupted)],
                "probabilities clipped to [1e-6, 1 − 1e-6]"));
        }

        // Linear probe on the hidden rates against raw pixels.
        if (budget.ProbeRows > 0 && data.Train.HasLabels && data.Test.HasLabels)
        {
            var probe = LinearProbe.Evaluate(model, data.Train, test, null, new LinearProbeOptions { MaxTrainRows = budget.ProbeRows });
            rows.Add(new MetricRow("linear probe accuracy", probe.HiddenAccuracy, "raw pixels", probe.PixelAccuracy,
                $"softmax regression on mean-field rates of layers {string.Join(",", probe.Layers)} ({probe.FeatureCount} features), {probe.TrainRows} training / {probe.TestRows} test images"));
        }

        // Exact log-likelihood where enumeration is affordable.
        if (Enumerable(model))
        {
            double logZ = ExactLikelihood.LogPartition(model);
            var list = new List<float[]>(n);
            for (int r = 0; r < n; r++) list.Add(batch.AsSpan(r * model.LayerSize(0), model.LayerSize(0)).ToArray());
            rows.Add(new MetricRow("log-likelihood (nats/image, exact)", ExactLikelihood.MeanLogLikelihood(model, list, logZ),
                "independent pixels", IndependentPixelsLogLikelihood(marginals, batch, n), "exact enumeration"));
        }
        return rows;
    }

    private static bool Enumerable(DeepBoltzmannMachine model)
    {
        int units = model.Architecture.IsRbm ? model.LayerSize(0) : model.Architecture.LayerSizes.Sum();
        return units <= 20;
    }

    /// <summary>Mean log-likelihood of the held-out rows under independent Bernoulli pixels with the training marginals.</summary>
    public static double IndependentPixelsLogLikelihood(double[] marginals, ReadOnlySpan<float> batch, int rows)
    {
        double total = 0;
        for (int i = 0; i < batch.Length; i++)
        {
            double q = Math.Clamp(marginals[i % marginals.Length], 1e-3, 1 - 1e-3);
            total += batch[i] > 0.5f ? Math.Log(q) : Math.Log(1 - q);
        }
        return total / rows;
    }

    public static string Format(double v) =>
        double.IsNaN(v) ? "—" : v.ToString(Math.Abs(v) >= 100 ? "F1" : "G4", CultureInfo.InvariantCulture);
}
