using System.Text.Json.Serialization;

namespace Vpf.Core.Training;

/// <summary>One point of a training curve: the training objective and held-out metrics after an epoch.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Seconds">Training seconds so far, held-out evaluation and progress callbacks excluded.</param>
/// <param name="MeanObjective">Mean objective over the epoch's mini-batches (K for a flow; see <see cref="TrainingMethod.ObjectiveName"/>).</param>
/// <param name="HeldOutObjective">The method's own objective on the held-out rows, at a fixed random key.</param>
/// <param name="HeldOutCrossEntropy">Held-out reconstruction cross-entropy, nats per image, after one mean-field up-down pass;
/// NaN where it is not defined (a fully visible machine, Gaussian visible units).</param>
/// <remarks>Model files store the curve as JSON under the names of the first release ("MeanK", "HeldOutK"), so files written before the rename still read.</remarks>
public sealed record CurvePoint(
    int Epoch, double Seconds,
    [property: JsonPropertyName("MeanK")] double MeanObjective,
    [property: JsonPropertyName("HeldOutK")] double HeldOutObjective,
    double HeldOutCrossEntropy);
