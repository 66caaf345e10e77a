using Vpf.Core.Data;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// Where an interrupted training run stopped: together with the model's parameters at that moment, enough to go on
/// and reach the same result, bit for bit, as a run that was never interrupted (the shuffle of every epoch and the
/// random stream of every batch are derived from the seed, the epoch and the batch, not from a running generator).
/// Made by the trainer and by <see cref="Persistence.CheckpointFile"/>; the optimiser's state inside it is opaque.
/// </summary>
public sealed record TrainingCheckpoint
{
    internal TrainingCheckpoint(int epochsCompleted, int batchesCompleted, double epochObjectiveSum, long epochRows, long epochClamps,
        double seconds, IReadOnlyList<EpochSummary> history, OptimiserState optimiser)
    {
        (EpochsCompleted, BatchesCompleted, EpochObjectiveSum, EpochRows, EpochClamps, Seconds) =
            (epochsCompleted, batchesCompleted, epochObjectiveSum, epochRows, epochClamps, seconds);
        (History, Optimiser) = (history, optimiser);
    }

    /// <summary>Whole epochs finished.</summary>
    public int EpochsCompleted { get; init; }

    /// <summary>Batches finished in the epoch after those.</summary>
    public int BatchesCompleted { get; init; }

    /// <summary>Σ objective·rows over the finished batches of the unfinished epoch.</summary>
    public double EpochObjectiveSum { get; init; }

    /// <summary>Rows seen in the unfinished epoch.</summary>
    public long EpochRows { get; init; }

    /// <summary>Field clamps in the unfinished epoch.</summary>
    public long EpochClamps { get; init; }

    /// <summary>Training seconds spent so far.</summary>
    public double Seconds { get; init; }

    /// <summary>Summaries of the finished epochs.</summary>
    public IReadOnlyList<EpochSummary> History { get; init; }

    /// <summary>The optimiser's state (step count and moments).</summary>
    internal OptimiserState Optimiser { get; init; }

    /// <summary>The training data the run saw, when the caller recorded it; a resume with other data is refused.</summary>
    public DataFingerprint? Data { get; init; }

    /// <summary>
    /// The offsets a_l of a centered run at that moment (one vector per layer), or null for a run without centering.
    /// </summary>
    public IReadOnlyList<float[]>? Offsets { get; init; }
}

/// <summary>Training was cancelled between two batches; <see cref="Checkpoint"/> says where, so it can be resumed.</summary>
public sealed class TrainingCanceledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public TrainingCanceledException(TrainingCheckpoint checkpoint, CancellationToken token)
        : base($"Training was cancelled after {checkpoint.EpochsCompleted} epochs and {checkpoint.BatchesCompleted} batches.", token) =>
        Checkpoint = checkpoint;

    /// <summary>Where training stopped; the model holds the parameters after the last finished batch.</summary>
    public TrainingCheckpoint Checkpoint { get; }

    /// <summary>Set by <see cref="TrainingPlan"/>.Run: the machine, this checkpoint and the curve so far, to save and resume from.</summary>
    public TrainingRunState? State { get; internal set; }
}
