using System.Globalization;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>One line of a metrics table.</summary>
/// <param name="Metric">What is measured.</param>
/// <param name="Value">The value (NaN when not computed).</param>
/// <param name="Baseline">A reference value (a trivial predictor, raw pixels), NaN when there is none.</param>
/// <param name="Note">How it was measured.</param>
public sealed record MetricRow(string Metric, double Value, double Baseline, string Note);

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
            rows.Add(new MetricRow($"held-out K ({method})", HeldOut.K(objective, model, batch, n), double.NaN, $"{n} held-out images"));
        }

        // One up-down mean-field pass against the pixel-marginal predictor.
        var p = HeldOut.Reconstruct(model, batch, n, vpf.MeanFieldSweeps);
        var trivial = new float[batch.Length];
        for (int i = 0; i < trivial.Length; i++) trivial[i] = (float)marginals[i % model.LayerSize(0)];
        rows.Add(new MetricRow("reconstruction cross-entropy (nats/image)", HeldOut.CrossEntropy(p, batch, n),
            HeldOut.CrossEntropy(trivial, batch, n), "clean image → hidden rates → visible probabilities; baseline: pixel marginals"));

        // Exact log-likelihood where enumeration is affordable.
        if (Enumerable(model))
        {
            double logZ = ExactLikelihood.LogPartition(model);
            var list = new List<float[]>(n);
            for (int r = 0; r < n; r++) list.Add(batch.AsSpan(r * model.LayerSize(0), model.LayerSize(0)).ToArray());
            rows.Add(new MetricRow("log-likelihood (nats/image, exact)", ExactLikelihood.MeanLogLikelihood(model, list, logZ),
                IndependentPixelsLogLikelihood(marginals, batch, n), "exact enumeration; baseline: independent pixels"));
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
