using System.Globalization;
using Vpf.Core.Data;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>
/// What a training run checks before it starts and when it resumes: its outputs (the model and its checkpoint) are
/// writable and none of its inputs, no other run writes the same <c>--out</c>, a checkpoint it did not write is never
/// replaced or deleted, the run's size fits the limits, and a checkpoint to resume from belongs to this run's data
/// and is consistent with its batches.
/// </summary>
internal static class TrainingGuard
{
    /// <summary>Most batches one run may take (progress and step counts are 32-bit).</summary>
    public const long MaxBatchesPerRun = int.MaxValue;

    /// <summary>
    /// Checks <c>--out</c> and its checkpoint path against the inputs, takes the run lock, and refuses a fresh run
    /// over an existing checkpoint unless <paramref name="overwrite"/>. The caller holds the returned lock for the run.
    /// </summary>
    public static RunLock Prepare(string outPath, bool resume, bool overwrite, IEnumerable<string> inputs)
    {
        var inputList = inputs.ToList();
        OutputPath.Check("--out", outPath, inputList, OutputKind.Model, overwrite);
        string checkpoint = CheckpointFile.PathFor(outPath);
        OutputPath.Check("--out", checkpoint, inputList, OutputKind.Checkpoint, overwrite);
        var runLock = RunLock.Acquire("--out", outPath);
        try
        {
            if (!resume && !overwrite && FileIdentity.KindOf(checkpoint) != FileKind.Missing)
                throw new UsageException("--out", $"'{checkpoint}' holds an interrupted training run{Describe(checkpoint)}. " +
                    $"Add --resume (with the options of that run) to go on with it, or --overwrite to discard it and start afresh.");
            if (resume && overwrite)
                throw new UsageException("--overwrite", "cannot be combined with --resume: --resume goes on with the checkpoint, --overwrite discards it.");
            return runLock;
        }
        catch
        {
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>Checks that <paramref name="epochs"/> × <paramref name="batches"/> and the batch's activations fit the limits.</summary>
    public static void CheckBudget(int epochs, int batches, int batchSize, IReadOnlyList<int> layerSizes)
    {
        if ((long)epochs * batches > MaxBatchesPerRun)
            throw new UsageException("--epochs", string.Create(CultureInfo.InvariantCulture,
                $"{epochs:N0} epochs × {batches:N0} batches = {(long)epochs * batches:N0} batches; a run may take at most {MaxBatchesPerRun:N0}."));
        long units = layerSizes.Sum(n => (long)n);
        if (batchSize * units > Core.Model.Architecture.MaxParameters)
            throw new UsageException("--batch-size", string.Create(CultureInfo.InvariantCulture,
                $"{batchSize:N0} rows × {units:N0} units = {batchSize * units:N0} activations per batch; the limit is {Core.Model.Architecture.MaxParameters:N0}. Use a smaller --batch-size."));
    }

    /// <summary>
    /// Checks a loaded checkpoint against this run: the same training data (exit 2 otherwise), and counts that an
    /// uninterrupted run of <paramref name="epochs"/> × <paramref name="batches"/> batches of <paramref name="batchSize"/>
    /// can reach, and objective sums below what <paramref name="divergenceThreshold"/> lets a batch add (exit 4 naming the
    /// field otherwise).
    /// </summary>
    public static void CheckResume(string path, TrainingCheckpoint c, DataFingerprint data, int epochs, int batches, int batchSize, double divergenceThreshold)
    {
        if (c.Data is null)
            throw Invalid(path, "Data", "missing; the checkpoint records no fingerprint of its training data");
        if (c.Data != data)
            throw new UsageException("--resume", $"the checkpoint '{path}' was written for other training data ({c.Data}); this run has {data}. " +
                "Repeat that run's --data/--full/--train-rows, or use --overwrite to discard the checkpoint.");
        if (c.EpochsCompleted >= epochs)
            throw Invalid(path, "EpochsCompleted", $"{c.EpochsCompleted}; a run of {epochs} epochs stops after at most {epochs - 1} whole epochs");
        if (c.BatchesCompleted >= batches)
            throw Invalid(path, "BatchesCompleted", $"{c.BatchesCompleted}; an epoch has {batches} batches");
        if (c.EpochRows != (long)c.BatchesCompleted * batchSize)
            throw Invalid(path, "EpochRows", $"{c.EpochRows}; {c.BatchesCompleted} full batches of {batchSize} hold {(long)c.BatchesCompleted * batchSize}");
        // A batch whose mean objective exceeds the threshold stops the run, so the rows seen bound what was summed.
        if (c.EpochObjectiveSum > divergenceThreshold * c.EpochRows)
            throw Invalid(path, "EpochSumK", string.Create(CultureInfo.InvariantCulture,
                $"{c.EpochObjectiveSum:R}; {c.EpochRows} rows with a mean objective of at most {divergenceThreshold:G3} (the divergence threshold) sum to at most {divergenceThreshold * c.EpochRows:G6}"));
        for (int i = 0; i < c.History.Count; i++)
            if (c.History[i].MeanObjective > divergenceThreshold)
                throw Invalid(path, $"History[{i}].MeanK", string.Create(CultureInfo.InvariantCulture,
                    $"{c.History[i].MeanObjective:R}; a finished epoch's mean objective is at most the divergence threshold {divergenceThreshold:G3}"));
        long steps = (long)c.EpochsCompleted * batches + c.BatchesCompleted;
        if (c.Optimiser.Step != steps)
            throw Invalid(path, "OptimiserStep", $"{c.Optimiser.Step}; after {c.EpochsCompleted} epochs and {c.BatchesCompleted} batches the optimiser has taken {steps} steps");
    }

    private static ModelFileException Invalid(string path, string field, string detail) =>
        new(path, ModelFileProblem.Invalid, $"Checkpoint '{path}' cannot be used: field {field} is {detail}.");

    private static string Describe(string checkpoint)
    {
        try
        {
            var (model, c, info) = CheckpointFile.Load(checkpoint);
            return $" ({info.TrainingMethod}, {model.Architecture}, stopped after epoch {c.EpochsCompleted}, batch {c.BatchesCompleted})";
        }
        catch (ModelFileException e)
        {
            return $" (it cannot be read: {e.Message})";
        }
    }
}
