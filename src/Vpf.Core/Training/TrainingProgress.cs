namespace Vpf.Core.Training;

/// <summary>Reported after every mini-batch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">1-based batch within the epoch.</param>
/// <param name="BatchesPerEpoch">Number of batches per epoch.</param>
/// <param name="K">Flow objective of this batch, before the step.</param>
/// <param name="EpochMeanK">Mean K over the batches of this epoch so far (weighted by rows).</param>
/// <param name="Seconds">Wall-clock seconds since training started.</param>
/// <param name="ClampCount">Field clamps in this batch (0 for a healthy model).</param>
public readonly record struct TrainingProgress(int Epoch, int Batch, int BatchesPerEpoch, double K, double EpochMeanK, double Seconds, long ClampCount);

/// <summary>Summary of one finished epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="MeanK">Mean K over the epoch's batches, weighted by rows.</param>
/// <param name="Seconds">Wall-clock seconds since training started, at the end of this epoch.</param>
/// <param name="ClampCount">Field clamps summed over the epoch.</param>
public readonly record struct EpochSummary(int Epoch, double MeanK, double Seconds, long ClampCount);
