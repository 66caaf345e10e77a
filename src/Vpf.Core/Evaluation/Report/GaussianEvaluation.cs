using System.Diagnostics;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Reconstruction;

namespace Vpf.Core.Evaluation.Report;

/// <summary>
/// The sections of <see cref="ModelEvaluator.Evaluate(DeepBoltzmannMachine, Dataset, Dataset, EvaluationOptions?, IProgress{EvaluationProgress}?, ModelFileInfo?, string?, Standardisation?)"/>
/// for a model with Gaussian visible units (vpf-math.md §9): squared-error reconstruction, log-likelihood on the
/// standardised and the data's own scale, and the linear probe. Every random choice derives from the options' seed.
/// </summary>
internal static class GaussianEvaluation
{
    /// <summary>Variance floor of the independent-columns baseline, so that a column constant on the training rows keeps a finite density.</summary>
    internal const double BaselineVarianceFloor = 1e-4;

    public static EvaluationReport Evaluate(DeepBoltzmannMachine model, Dataset train, Dataset test, EvaluationOptions? options,
        IProgress<EvaluationProgress>? progress, ModelFileInfo? provenance, string? dataSource, Standardisation? standardisation)
    {
        options ??= new EvaluationOptions();
        options.Validate();
        int d = model.LayerSize(0);
        if (train.Dimension != d)
            throw new ArgumentException($"The model has {d} visible units but the training set has {train.Dimension} values per row.", nameof(train));
        if (test.Dimension != d)
            throw new ArgumentException($"The model has {d} visible units but the test set has {test.Dimension} values per row.", nameof(test));
        if (test.Count == 0) throw new ArgumentException("The test set is empty.", nameof(test));
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        if (standardisation is not null && standardisation.Dimension != d)
            throw new InvalidOptionsException(nameof(standardisation), $"has {standardisation.Dimension} columns; the model has {d} visible units.");

        var total = Stopwatch.StartNew();
        int rows = Math.Min(test.Count, options.MaxTestRows ?? int.MaxValue);
        var testSet = Head(test, rows);
        bool labelled = train.HasLabels && test.HasLabels;

        var sections = new List<string>();
        if (options.Reconstruction is not null) sections.Add("reconstruction");
        if (options.LogLikelihood is not null) sections.Add("log-likelihood");
        if (options.LinearProbe is not null && labelled) sections.Add("linear probe");

        T Run<T>(string name, Func<T> work)
        {
            int index = sections.IndexOf(name);
            progress?.Report(new EvaluationProgress(name, index, sections.Count, false, 0));
            var clock = Stopwatch.StartNew();
            var result = work();
            progress?.Report(new EvaluationProgress(name, index, sections.Count, true, clock.Elapsed.TotalSeconds));
            return result;
        }

        var denoising = options.Reconstruction is { } ro
            ? Run("reconstruction", () => Reconstruct(model, train, testSet, ro, options.Seed)) : null;
        var likelihood = options.LogLikelihood is { } lo
            ? Run("log-likelihood", () => LogLikelihood(model, train, testSet, lo, options.Seed, standardisation)) : null;
        var probe = options.LinearProbe is { } pr && labelled
            ? Run("linear probe", () =>
            {
                var clock = Stopwatch.StartNew();
                var result = Evaluation.LinearProbe.Evaluate(model, train, testSet, pr.Layers, pr.Probe);
                return new LinearProbeSection(result, clock.Elapsed.TotalSeconds);
            })
            : null;

        var data = new DataDescription(dataSource, train.Count, rows, d, test.ImageRows, test.ImageColumns, labelled);
        return new EvaluationReport(ModelEvaluator.Describe(model.Architecture, provenance), data, options.Seed,
            null, likelihood, null, probe, total.Elapsed.TotalSeconds)
        {
            Denoising = denoising,
        };
    }

    /// <summary>The first <paramref name="rows"/> rows.</summary>
    private static Dataset Head(Dataset data, int rows) => rows == data.Count ? data : data switch
    {
        BinaryDataset binary => binary.Subset(0, rows),
        RealDataset real => real.Subset(0, rows),
        _ => throw new ArgumentException($"Unknown kind of data set {data.GetType().Name}.", nameof(data)),
    };

    private static SquaredErrorSection Reconstruct(DeepBoltzmannMachine model, Dataset train, Dataset test,
        ReconstructionSectionOptions options, int seed)
    {
        var clock = Stopwatch.StartNew();
        var corruptions = new List<Corruption>();
        if (options.NoiseStandardDeviation is { } sigma) corruptions.Add(Corruption.AddGaussianNoise(sigma));
        if (options.HiddenFraction is { } fraction) corruptions.Add(Corruption.HideFraction(fraction));
        bool shaped = test.ImageRows > 1 && test.ImageColumns > 0;
        if (options.HideBottomHalf && shaped) corruptions.Add(Corruption.HideBottomHalf(test));
        if (options.RandomSquareSize is { } size && shaped && size <= Math.Min(test.ImageRows, test.ImageColumns))
            corruptions.Add(Corruption.HideRandomSquare(test, size));
        var reports = ReconstructionEvaluation.EvaluateSquaredError(model, train, test, corruptions, options.Inference with { Seed = seed }, seed);
        return new SquaredErrorSection(reports, clock.Elapsed.TotalSeconds);
    }

    private static LogLikelihoodSection LogLikelihood(DeepBoltzmannMachine model, Dataset train, Dataset test,
        LogLikelihoodSectionOptions options, int seed, Standardisation? standardisation)
    {
        var clock = Stopwatch.StartNew();
        int rows = test.Count, d = test.Dimension;
        var visible = new float[(long)rows * d];
        test.CopyRows(Enumerable.Range(0, rows).ToArray(), visible);
        var means = train.ColumnMeans();
        double independent = IndependentColumns(train, means, visible, rows);
        bool rbm = model.Architecture.IsRbm;

        ExactLogLikelihood? exact = null;
        int hidden = model.Architecture.LayerSizes.Skip(1).Sum();
        if (options.Exact && rbm && hidden <= options.MaxExactUnits)
        {
            var exactClock = Stopwatch.StartNew();
            double logZ = GaussianRbmLikelihood.LogPartition(model);
            double mean = GaussianRbmLikelihood.MeanLogLikelihood(model, visible, rows, logZ);
            exact = new ExactLogLikelihood(logZ, mean, null, hidden, exactClock.Elapsed.TotalSeconds);
        }

        AisLogLikelihood? ais = null;
        if (options.AisRuns > 0)
            ais = ModelEvaluator.Ais(model, visible, rows, options, seed, dataMarginals: null, visibleBaseMeans: means);

        DataScaleLogLikelihood? dataScale = null;
        if (standardisation is not null)
        {
            double logDet = standardisation.LogDeterminant;
            dataScale = new DataScaleLogLikelihood(logDet, independent - logDet, exact?.MeanLogLikelihood - logDet,
                ais?.MeanLogLikelihood - logDet, ais?.Lower - logDet, ais?.Upper - logDet);
        }
        return new LogLikelihoodSection(rows, independent, exact, ais, clock.Elapsed.TotalSeconds) { DataScale = dataScale };
    }

    /// <summary>
    /// Mean log-likelihood of rows under independent Gaussian columns with the training columns' means and (population)
    /// variances, each variance at least <see cref="BaselineVarianceFloor"/>.
    /// </summary>
    internal static double IndependentColumns(Dataset train, double[] means, ReadOnlySpan<float> visible, int rows)
    {
        int d = means.Length;
        var squares = new double[d];
        var row = new float[d];
        for (int r = 0; r < train.Count; r++)
        {
            train.CopyRow(r, row);
            for (int c = 0; c < d; c++) squares[c] += Math.Pow(row[c] - means[c], 2);
        }
        var variances = squares.Select(s => Math.Max(s / train.Count, BaselineVarianceFloor)).ToArray();
        double total = 0;
        for (int i = 0; i < visible.Length; i++)
        {
            int c = i % d;
            total -= 0.5 * (Math.Log(2 * Math.PI * variances[c]) + Math.Pow(visible[i] - means[c], 2) / variances[c]);
        }
        return total / rows;
    }
}
