using System.Globalization;
using System.Text;

namespace Vpf.Core.Reconstruction;

/// <summary>
/// The reconstruction scores of one kind of corruption: the model's, and beside it those of the two trivial
/// predictors — the corrupted input left as it is, and the training-set majority fill (see
/// <see cref="ReconstructionMetrics"/>).
/// </summary>
/// <remarks>
/// Always read the model's row against the other two: a blurry model can beat a sharp one on per-pixel error and
/// cross-entropy without having learned anything. On binarised Fashion-MNIST the majority-value fill leaves only
/// 0.278 of the bottom half wrong, so a model at 0.25 has learned little.
/// </remarks>
/// <param name="Corruption">Description of the corruption.</param>
/// <param name="Kind">Flips or occlusion.</param>
/// <param name="Method">How the model inferred the pixels.</param>
/// <param name="Images">Number of test images.</param>
/// <param name="Model">Scores of the model's probabilities.</param>
/// <param name="CorruptedInput">Scores of the corrupted input as it is (hidden pixels 0).</param>
/// <param name="MajorityFill">Scores of the training-set marginals at the untrusted pixels.</param>
/// <param name="Seconds">Wall-clock seconds of the model's inference.</param>
public sealed record ReconstructionReport(
    string Corruption, CorruptionKind Kind, ReconstructionMethod Method, int Images,
    ReconstructionScores Model, ReconstructionScores CorruptedInput, ReconstructionScores MajorityFill, double Seconds)
{
    /// <summary>The three rows as (predictor name, scores), model first.</summary>
    public IReadOnlyList<(string Predictor, ReconstructionScores Scores)> Rows =>
        [("model", Model), ("corrupted input", CorruptedInput), ("majority fill", MajorityFill)];

    /// <summary>A small fixed-width table: one line per predictor with both errors and both cross-entropies.</summary>
    internal string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Corruption} ({Images} images, {Model.CorruptedPixels} corrupted pixels; model by {Method}, {Seconds:0.0} s)");
        text.AppendLine("predictor         error(corrupted)  error(all)  xent(corrupted)  xent(all)");
        foreach (var (name, s) in Rows)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{name,-17} {s.ErrorOnCorrupted,16:0.0000}  {s.ErrorOnAll,10:0.0000}  {s.CrossEntropyOnCorrupted,15:0.0000}  {s.CrossEntropyOnAll,9:0.0000}");
        return text.ToString();
    }
}
