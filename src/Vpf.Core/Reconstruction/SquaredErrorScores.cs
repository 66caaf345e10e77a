using System.Text.Json.Serialization;

namespace Vpf.Core.Reconstruction;

/// <summary>
/// Mean squared error of a reconstruction against the clean values, over the corrupted values and over all values: the
/// score of real-valued reconstruction (Gaussian visible units, vpf-math.md §9), on the scale the values are given in
/// (standardised data: 1 is the error of predicting the column mean of a unit-variance column).
/// </summary>
/// <param name="ErrorOnCorrupted">Mean of (prediction − clean)² over the corrupted values (NaN when there are none).</param>
/// <param name="ErrorOnAll">Mean of (prediction − clean)² over every value.</param>
/// <param name="CorruptedValues">Number of corrupted values scored.</param>
public sealed record SquaredErrorScores(double ErrorOnCorrupted, double ErrorOnAll, long CorruptedValues);

/// <summary>Accumulates <see cref="SquaredErrorScores"/> over batches, in double.</summary>
internal sealed class SquaredErrorMetrics
{
    private double _corruptedSum, _allSum;
    private long _corrupted, _all;

    /// <summary>Adds one batch's predictions (rows × d, as the batch).</summary>
    public void Add(ReadOnlySpan<float> prediction, CorruptedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (prediction.Length != batch.Clean.Length)
            throw new ArgumentException($"Expected {batch.Clean.Length} predictions (one per value); got {prediction.Length}.", nameof(prediction));
        for (int i = 0; i < prediction.Length; i++)
        {
            double e = (double)prediction[i] - batch.Clean[i];
            e *= e;
            _allSum += e;
            if (batch.Corrupted[i])
            {
                _corruptedSum += e;
                _corrupted++;
            }
        }
        _all += prediction.Length;
    }

    /// <summary>The scores so far.</summary>
    public SquaredErrorScores Scores => new(
        _corrupted == 0 ? double.NaN : _corruptedSum / _corrupted,
        _all == 0 ? double.NaN : _allSum / _all,
        _corrupted);
}

/// <summary>
/// The squared-error scores of one corruption of real values: the model's, the corrupted input as it is (noisy values;
/// 0 at hidden values, the column mean of standardised data) and the mean fill (the training column means at every
/// untrusted value: the hidden ones, or every value under noise).
/// </summary>
/// <param name="Corruption">Description of the corruption.</param>
/// <param name="Kind">Gaussian noise or occlusion.</param>
/// <param name="Method">How the model inferred the values.</param>
/// <param name="Rows">Number of test rows.</param>
/// <param name="Model">Scores of the model's estimates.</param>
/// <param name="CorruptedInput">Scores of the corrupted input as it is.</param>
/// <param name="MeanFill">Scores of the training column means at the untrusted values.</param>
/// <param name="Seconds">Wall-clock seconds of the model's inference.</param>
public sealed record SquaredErrorReport(
    string Corruption, CorruptionKind Kind, ReconstructionMethod Method, int Rows,
    SquaredErrorScores Model, SquaredErrorScores CorruptedInput, SquaredErrorScores MeanFill, double Seconds)
{
    /// <summary>The three rows as (predictor name, scores), model first (not part of the JSON: the named properties are).</summary>
    [JsonIgnore]
    public IReadOnlyList<(string Predictor, SquaredErrorScores Scores)> Predictors =>
        [("model", Model), ("corrupted input", CorruptedInput), ("mean fill", MeanFill)];
}
