namespace Vpf.Core.Training;

/// <summary>One point of a training curve: training K and held-out metrics after an epoch.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Seconds">Training seconds so far, held-out evaluation and progress callbacks excluded.</param>
/// <param name="MeanK">Mean objective over the epoch's mini-batches.</param>
/// <param name="HeldOutK">The method's own objective on the held-out rows, at a fixed random key.</param>
/// <param name="HeldOutCrossEntropy">Held-out reconstruction cross-entropy, nats per image, after one mean-field up-down pass (see <see cref="Evaluation.HeldOutMetrics"/>).</param>
public sealed record CurvePoint(int Epoch, double Seconds, double MeanK, double HeldOutK, double HeldOutCrossEntropy);
