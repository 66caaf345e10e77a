using Vpf.Core.Data;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// Where an interrupted training run stopped: together with the model's parameters at that moment, enough to go on
/// and reach the same result, bit for bit, as a run that was never interrupted (the shuffle of every epoch and the
/// random stream of every batch are derived from the seed, the epoch and the batch, not from a running generator).
/// </summary>
/// <param name="EpochsCompleted">Whole epochs finished.</param>
/// <param name="BatchesCompleted">Batches finished in the epoch after those.</param>
/// <param name="EpochObjectiveSum">Σ objective·rows over the finished batches of the unfinished epoch.</param>
/// <param name="EpochRows">Rows seen in the unfinished epoch.</param>
/// <param name="EpochClamps">Field clamps in the unfinished epoch.</param>
/// <param name="Seconds">Training seconds spent so far.</param>
/// <param name="History">Summaries of the finished epochs.</param>
/// <param name="Optimiser">The optimiser's state.</param>
public sealed record TrainingCheckpoint(
    int EpochsCompleted, int BatchesCompleted, double EpochObjectiveSum, long EpochRows, long EpochClamps, double Seconds,
    IReadOnlyList<EpochSummary> History, OptimiserState Optimiser)
{
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
