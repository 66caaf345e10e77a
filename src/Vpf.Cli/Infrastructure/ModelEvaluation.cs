using System.Globalization;
using Vpf.Core.Evaluation;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
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

    /// <summary>Shown instead of the formatted <see cref="Value"/> when set (e.g. a value with its interval).</summary>
    public string? ValueText { get; init; }

    /// <summary>The value as shown in a table.</summary>
    public string Display => ValueText ?? ModelEvaluation.Format(Value);

    /// <summary>The baselines as text, e.g. "corrupted input 0.1, majority fill 0.3".</summary>
    public string BaselineText => Baselines.Count == 0 ? "—" : string.Join(", ", Baselines.Select(b => $"{b.Name} {ModelEvaluation.Format(b.Value)}"));
}

/// <summary>
/// How much effort the evaluation spends (AIS runs 0: no AIS; Parzen chains 0: no Parzen section), and the fractions of
/// flipped pixels reconstructed (null: <see cref="ReconstructionSectionOptions"/>' default 10 % only).
/// </summary>
internal sealed record EvaluationBudget(int Rows, int AisRuns, int AisTemperatures, int ProbeRows, int Seed, int ParzenChains = 100,
    IReadOnlyList<double>? FlipFractions = null);

/// <summary>Held-out evaluation of one model: <see cref="ModelEvaluator"/>'s report and its numbers as metric rows (every printed number is in the report).</summary>
internal static class ModelEvaluation
{
    public static (List<MetricRow> Rows, EvaluationReport Report) Run(CliContext context, string name, DeepBoltzmannMachine model,
        ModelFileInfo? info, DataSet data, EvaluationBudget budget)
    {
        int n = Math.Min(budget.Rows, data.Test.Count);
        var options = new EvaluationOptions
        {
            Seed = budget.Seed,
            MaxTestRows = n,
            LogLikelihood = new LogLikelihoodSectionOptions { AisRuns = budget.AisRuns, AisTemperatures = Math.Max(1, budget.AisTemperatures) },
            Parzen = budget.ParzenChains > 0 ? new ParzenSectionOptions { Chains = budget.ParzenChains } : null,
            Reconstruction = budget.FlipFractions is { Count: > 0 } flips
                ? new ReconstructionSectionOptions { FlipFraction = flips[0], AdditionalFlipFractions = flips.Skip(1).ToArray() }
                : new ReconstructionSectionOptions(),
            LinearProbe = budget.ProbeRows > 0 ? new LinearProbeSectionOptions { Probe = new LinearProbeOptions { MaxTrainRows = budget.ProbeRows } } : null,
        };
        if (options.LinearProbe is not null && (!data.Train.HasLabels || !data.Test.HasLabels))
            context.Line(data.Columns is not null
                ? "Linear probe skipped: the table has no labels (name its label column with --label-column), so there is no class to predict."
                : $"Linear probe skipped: the {(data.Train.HasLabels ? "held-out" : "training")} images have no labels file (*-labels-idx1-ubyte), so there is no class to predict.");
        var report = Evaluate(context, name, model, info, data, options);
        return (Rows(report).ToList(), report);
    }

    /// <summary>Runs <see cref="ModelEvaluator"/> with a progress display (one step per section).</summary>
    public static EvaluationReport Evaluate(CliContext context, string name, DeepBoltzmannMachine model, ModelFileInfo? info, DataSet data,
        EvaluationOptions options)
    {
        bool gaussian = model.Architecture.HasGaussianVisible;
        bool probe = options.LinearProbe is not null && data.Train.HasLabels && data.Test.HasLabels;
        // Gaussian visible units have no held-out (cross-entropy) or Parzen section (ModelEvaluator's documentation).
        int sections = gaussian
            ? (options.Reconstruction is null ? 0 : 1) + (options.LogLikelihood is null ? 0 : 1) + (probe ? 1 : 0)
            : (options.HeldOut is null ? 0 : 1) + (options.Reconstruction is null ? 0 : 1) + (options.LogLikelihood is null ? 0 : 1) + (options.Parzen is null ? 0 : 1)
              + (probe ? 1 : 0);
        // A Gaussian model reads the real rows (standardised by its stored statistics, which also give the likelihoods on
        // the data's own scale); a binary one reads binary rows.
        var (train, test) = gaussian ? (data.Train, data.Test) : (Binary(data.Train, name), Binary(data.Test, name));
        return ProgressDisplay.Track(context, $"evaluating {name}", Math.Max(1, sections), handle =>
            ModelEvaluator.Evaluate(model, train, test, options, new SectionProgress(handle), info, data.Description,
                gaussian ? data.Standardisation : null));
    }

    /// <summary>The rows as a binary set: binarised images as they are, a table of 0s and 1s converted; other values refused.</summary>
    private static Core.Data.BinaryDataset Binary(Core.Data.Dataset data, string name)
    {
        if (data is Core.Data.BinaryDataset binary) return binary;
        if (!data.IsBinary)
            throw new UsageException("--data-csv", $"'{name}' has binary visible units but the data hold values other than 0 and 1.");
        var values = new float[(long)data.Count * data.Dimension];
        data.CopyRows(Enumerable.Range(0, data.Count).ToArray(), values);
        return Core.Data.BinaryDataset.FromBinaryRows(values, data.Count, data.Dimension, data.HasLabels ? data.Labels.ToArray() : null,
            data.ImageRows, data.ImageColumns);
    }

    /// <summary>The report's numbers as table rows, each beside its baselines.</summary>
    public static IEnumerable<MetricRow> Rows(EvaluationReport report)
    {
        // "784G-500": a G on the visible size marks Gaussian visible units, whose likelihood baseline is independent Gaussians.
        bool gaussian = report.Model.Architecture.Split('-')[0].EndsWith('G');
        string independent = gaussian ? "independent Gaussians" : "independent pixels";
        // A Gaussian model's rows are table rows as often as images: its labels say "row" and "raw inputs".
        string per = gaussian ? "row" : "image", rawInputs = gaussian ? "raw inputs" : "raw pixels", examples = gaussian ? "rows" : "images";
        if (report.HeldOut is { } heldOut)
        {
            if (heldOut.K is { } k)
                yield return new MetricRow($"held-out K ({heldOut.Method})", k, "", double.NaN, $"{heldOut.Rows} held-out images");
            if (heldOut.ReconstructionCrossEntropy is { } crossEntropy)
                yield return new MetricRow("reconstruction cross-entropy (nats/image)", crossEntropy, "pixel marginals", heldOut.PixelMarginals,
                    $"clean image → hidden rates → visible probabilities, {heldOut.Rows} images");
        }

        if (report.Reconstruction is { } reconstruction)
            foreach (var rep in reconstruction.Corruptions)
            {
                yield return new MetricRow($"{rep.Corruption}: pixel error on corrupted pixels", rep.Model.ErrorOnCorrupted,
                    [("corrupted input", rep.CorruptedInput.ErrorOnCorrupted), ("majority fill", rep.MajorityFill.ErrorOnCorrupted)],
                    $"{rep.Method} reconstruction, {rep.Images} images, {rep.Model.CorruptedPixels:N0} corrupted pixels");
                yield return new MetricRow($"{rep.Corruption}: cross-entropy on corrupted pixels (nats/pixel)", rep.Model.CrossEntropyOnCorrupted,
                    [("corrupted input", rep.CorruptedInput.CrossEntropyOnCorrupted), ("majority fill", rep.MajorityFill.CrossEntropyOnCorrupted)],
                    "probabilities clipped to [1e-6, 1 − 1e-6]");
            }

        if (report.Denoising is { } denoising)
            foreach (var rep in denoising.Corruptions)
                yield return new MetricRow($"{rep.Corruption}: squared error on corrupted values (standardised)", rep.Model.ErrorOnCorrupted,
                    [("corrupted input", rep.CorruptedInput.ErrorOnCorrupted), ("mean fill", rep.MeanFill.ErrorOnCorrupted)],
                    $"{rep.Method} reconstruction, {rep.Rows} rows, {rep.Model.CorruptedValues:N0} corrupted values");

        if (report.LinearProbe is { } probeSection)
        {
            var probe = probeSection.Result;
            yield return new MetricRow("linear probe accuracy", probe.HiddenAccuracy, rawInputs, probe.PixelAccuracy,
                $"softmax regression on mean-field rates of layers {string.Join(",", probe.Layers)} ({probe.FeatureCount} features), {probe.TrainRows} training / {probe.TestRows} test {examples}");
        }

        if (report.LogLikelihood is { } ll)
        {
            if (ll.Ais is { } ais)
            {
                var z = ais.LogPartition;
                string schedule = string.Create(CultureInfo.InvariantCulture, $"{z.Temperatures:N0} temperatures × {z.Runs} runs");
                string interval = $"[{Format(ais.Lower)}, {Format(ais.Upper)}]";
                string metric = ais.Kind == AisLikelihoodKind.FreeEnergy
                    ? $"test log-likelihood (nats/{per}, AIS {schedule})"
                    : $"test log-likelihood lower bound (nats/{per}, AIS {schedule} + mean-field bound)";
                yield return new MetricRow(metric, ais.MeanLogLikelihood, independent, ll.IndependentPixels,
                    $"log Z = {Format(z.LogZ)} (±3σ: {Format(z.LogZLower)} … {Format(z.LogZUpper)}), {(gaussian ? "Gaussian base model from the training columns" : "base rate from the training marginals")}, {ll.Rows} {examples}, {ProgressDisplay.Seconds(ais.Seconds)}")
                {
                    ValueText = $"{Format(ais.MeanLogLikelihood)} {interval}",
                };
            }
            if (ll.Exact is { } exact)
            {
                yield return new MetricRow($"log-likelihood (nats/{per}, exact)", exact.MeanLogLikelihood, independent, ll.IndependentPixels,
                    $"exact enumeration of {exact.EnumeratedUnits} units, log Z = {Format(exact.LogPartition)}");
                if (exact.MeanFieldLowerBound is { } bound)
                    yield return new MetricRow($"mean-field lower bound (nats/{per}, exact log Z)", bound, independent, ll.IndependentPixels,
                        "variational bound with the exact log Z");
            }
        }

        if (report.LogLikelihood?.DataScale is { } scale)
        {
            string note = string.Create(CultureInfo.InvariantCulture,
                $"the standardised-scale value minus Σ log s = {Format(scale.LogDeterminant)} (the stored standardisation)");
            if (scale.Ais is { } ais)
                yield return new MetricRow("test log-likelihood on the data's scale (nats/row, AIS)", ais, "independent columns", scale.IndependentPixels, note)
                {
                    ValueText = scale.AisLower is { } lower && scale.AisUpper is { } upper ? $"{Format(ais)} [{Format(lower)}, {Format(upper)}]" : null,
                };
            if (scale.Exact is { } exact)
                yield return new MetricRow("log-likelihood on the data's scale (nats/row, exact)", exact, "independent columns", scale.IndependentPixels, note);
        }

        if (report.Parzen is { } parzen)
            yield return new MetricRow(string.Create(CultureInfo.InvariantCulture, $"Parzen log-likelihood of {parzen.Samples:N0} Gibbs samples (nats/image)"),
                parzen.Model.MeanLogLikelihood, "training images", parzen.TrainingImages.MeanLogLikelihood,
                string.Create(CultureInfo.InvariantCulture,
                    $"σ = {parzen.Model.Sigma:G3} chosen on {parzen.ValidationRows} held-out images, scored on {parzen.TestRows}; {parzen.Chains} chains, {parzen.BurnIn} burn-in, every {parzen.Thinning} sweeps"));
    }

    /// <summary>Writes <paramref name="report"/> as JSON, atomically, creating the folder.</summary>
    public static void WriteJson(string path, IEnumerable<string> inputs, EvaluationReport report) => OutputFile.WriteText(path, inputs, report.ToJson());

    public static string Format(double v) =>
        double.IsNaN(v) ? "—"
        : double.IsPositiveInfinity(v) ? "+inf"
        : double.IsNegativeInfinity(v) ? "-inf"
        : v.ToString(Math.Abs(v) >= 100 ? "F1" : "G4", CultureInfo.InvariantCulture);

    private sealed class SectionProgress(IProgressHandle handle) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value) =>
            handle.Report(value.Index + (value.Finished ? 1 : 0), value.Finished ? null : $"({value.Section})");
    }
}
