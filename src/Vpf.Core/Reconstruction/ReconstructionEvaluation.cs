using System.Diagnostics;
using Vpf.Core.Data;
using Vpf.Core.Model;

namespace Vpf.Core.Reconstruction;

/// <summary>
/// The reconstruction protocol of vpf-math.md §7: corrupt test images, reconstruct them with the model, and score the
/// model next to the two trivial predictors (for real values by squared error, vpf-math.md §9).
/// </summary>
public static class ReconstructionEvaluation
{
    /// <summary>Test rows corrupted and reconstructed at a time unless told otherwise.</summary>
    public const int DefaultBatchSize = 500;

    /// <summary>
    /// One <see cref="ReconstructionReport"/> per corruption. The test set is processed in batches; the corruption of
    /// each image depends only on <paramref name="seed"/> and its row, so the batch size changes nothing but memory.
    /// </summary>
    /// <param name="model">The trained machine.</param>
    /// <param name="train">The training set: its per-pixel marginals drive the majority fill (and the start of unknown pixels when asked).</param>
    /// <param name="test">The images to corrupt.</param>
    /// <param name="corruptions">The corruptions to apply, each to the whole test set.</param>
    /// <param name="options">Reconstruction options; null for the defaults.</param>
    /// <param name="seed">Seed of the corruptions.</param>
    /// <param name="batchSize">Rows per batch.</param>
    /// <exception cref="ArgumentException">The data sets' dimension differs from the model's visible units.</exception>
    public static IReadOnlyList<ReconstructionReport> Evaluate(DeepBoltzmannMachine model, BinaryDataset train, BinaryDataset test,
        IEnumerable<Corruption> corruptions, ReconstructionOptions? options = null, int seed = 0, int batchSize = DefaultBatchSize)
    {
        CheckArguments(model, train, test, corruptions, batchSize);
        var marginals = train.ColumnMeans();
        var reconstructor = new Reconstructor(model, options, marginals);
        var reports = new List<ReconstructionReport>();
        foreach (var corruption in corruptions)
        {
            var modelScores = new ReconstructionMetrics();
            var asItIs = new ReconstructionMetrics();
            var majority = new ReconstructionMetrics();
            var clock = new Stopwatch();
            for (int start = 0; start < test.Count; start += batchSize)
            {
                var batch = corruption.Apply(test, seed, start, Math.Min(batchSize, test.Count - start));
                clock.Start();
                var probabilities = reconstructor.Reconstruct(batch);
                clock.Stop();
                modelScores.Add(probabilities, batch);
                asItIs.Add(ReconstructionMetrics.CorruptedInputPrediction(batch), batch);
                majority.Add(ReconstructionMetrics.MajorityFillPrediction(batch, marginals), batch);
            }
            reports.Add(new ReconstructionReport(corruption.Description, corruption.Kind, reconstructor.Options.Method, test.Count,
                modelScores.Scores, asItIs.Scores, majority.Scores, clock.Elapsed.TotalSeconds));
        }
        return reports;
    }

    /// <summary>
    /// One <see cref="SquaredErrorReport"/> per corruption: the reconstruction protocol for real values (Gaussian visible
    /// units, vpf-math.md §9) scored by mean squared error next to the corrupted input and the mean fill. Works for any
    /// <see cref="Dataset"/> (e.g. standardised <see cref="RealDataset"/> rows) and for binary models too (then it is the
    /// Brier score of the probabilities).
    /// </summary>
    /// <param name="model">The trained machine.</param>
    /// <param name="train">The training rows: their column means are the mean fill (and the start of unknown values when asked).</param>
    /// <param name="test">The rows to corrupt.</param>
    /// <param name="corruptions">The corruptions to apply, each to the whole test set (e.g. <see cref="Corruption.AddGaussianNoise"/>,
    /// <see cref="Corruption.HideFraction"/>, <see cref="Corruption.HideBottomHalf(Dataset)"/>).</param>
    /// <param name="options">Reconstruction options; null for the defaults.</param>
    /// <param name="seed">Seed of the corruptions.</param>
    /// <param name="batchSize">Rows per batch.</param>
    /// <exception cref="ArgumentException">The data sets' dimension differs from the model's visible units.</exception>
    /// <exception cref="InvalidOptionsException">A corruption that does not fit the visible units (flips for Gaussian units,
    /// Gaussian noise for binary ones; option "Corruption"), or an option out of range.</exception>
    public static IReadOnlyList<SquaredErrorReport> EvaluateSquaredError(DeepBoltzmannMachine model, Dataset train, Dataset test,
        IEnumerable<Corruption> corruptions, ReconstructionOptions? options = null, int seed = 0, int batchSize = DefaultBatchSize)
    {
        CheckArguments(model, train, test, corruptions, batchSize);
        var means = train.ColumnMeans();
        var reconstructor = new Reconstructor(model, options, means);
        var reports = new List<SquaredErrorReport>();
        foreach (var corruption in corruptions)
        {
            var modelScores = new SquaredErrorMetrics();
            var asItIs = new SquaredErrorMetrics();
            var meanFill = new SquaredErrorMetrics();
            var clock = new Stopwatch();
            for (int start = 0; start < test.Count; start += batchSize)
            {
                var batch = corruption.Apply(test, seed, start, Math.Min(batchSize, test.Count - start));
                clock.Start();
                var estimate = reconstructor.Reconstruct(batch);
                clock.Stop();
                modelScores.Add(estimate, batch);
                asItIs.Add(ReconstructionMetrics.CorruptedInputPrediction(batch), batch);
                meanFill.Add(ReconstructionMetrics.MajorityFillPrediction(batch, means), batch);
            }
            reports.Add(new SquaredErrorReport(corruption.Description, corruption.Kind, reconstructor.Options.Method, test.Count,
                modelScores.Scores, asItIs.Scores, meanFill.Scores, clock.Elapsed.TotalSeconds));
        }
        return reports;
    }

    /// <summary>The checks both protocols make before any work: arguments present, a batch size ≥ 1, both sets the model's width.</summary>
    private static void CheckArguments(DeepBoltzmannMachine model, Dataset train, Dataset test, IEnumerable<Corruption> corruptions, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(corruptions);
        if (batchSize < 1) throw new InvalidOptionsException(nameof(batchSize), $"must be ≥ 1; got {batchSize}.");
        int d = model.LayerSize(0);
        if (train.Dimension != d)
            throw new ArgumentException($"The model has {d} visible units but the training set has {train.Dimension} values per row.", nameof(train));
        if (test.Dimension != d)
            throw new ArgumentException($"The model has {d} visible units but the test set has {test.Dimension} values per row.", nameof(test));
    }
}
