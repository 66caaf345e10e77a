namespace Vpf.Core.Training;

/// <summary>Reported after every mini-batch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">1-based batch within the epoch.</param>
/// <param name="BatchesPerEpoch">Number of batches per epoch.</param>
/// <param name="Objective">The method's objective on this batch, before the step (K for a flow; see <see cref="TrainingMethod.ObjectiveName"/>).</param>
/// <param name="EpochMeanObjective">Mean objective over the batches of this epoch so far (weighted by rows).</param>
/// <param name="Seconds">Wall-clock seconds since training started.</param>
/// <param name="ClampCount">Field clamps in this batch (0 for a healthy model).</param>
public readonly record struct TrainingProgress(int Epoch, int Batch, int BatchesPerEpoch, double Objective, double EpochMeanObjective, double Seconds, long ClampCount);

/// <summary>Summary of one finished epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="MeanObjective">Mean objective over the epoch's batches, weighted by rows.</param>
/// <param name="Seconds">Wall-clock seconds since training started, at the end of this epoch.</param>
/// <param name="ClampCount">Field clamps summed over the epoch.</param>
public readonly record struct EpochSummary(int Epoch, double MeanObjective, double Seconds, long ClampCount);
