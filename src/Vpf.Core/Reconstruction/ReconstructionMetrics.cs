namespace Vpf.Core.Reconstruction;

/// <summary>
/// Per-pixel error and binary cross-entropy of a reconstruction against the clean images, each averaged over the
/// corrupted pixels only and over all pixels.
/// </summary>
/// <param name="ErrorOnCorrupted">Fraction of corrupted pixels whose thresholded prediction is wrong (NaN when none is corrupted).</param>
/// <param name="CrossEntropyOnCorrupted">Mean binary cross-entropy in nats over the corrupted pixels (NaN when none is corrupted).</param>
/// <param name="ErrorOnAll">Fraction of all pixels whose thresholded prediction is wrong.</param>
/// <param name="CrossEntropyOnAll">Mean binary cross-entropy in nats over all pixels.</param>
/// <param name="CorruptedPixels">Number of corrupted pixels.</param>
/// <param name="Pixels">Number of pixels.</param>
public sealed record ReconstructionScores(
    double ErrorOnCorrupted, double CrossEntropyOnCorrupted, double ErrorOnAll, double CrossEntropyOnAll,
    long CorruptedPixels, long Pixels);

/// <summary>
/// Accumulates <see cref="ReconstructionScores"/> over batches, and builds the two trivial predictors every model
/// must be compared with.
/// </summary>
/// <remarks>
/// <para>A probability p predicts 1 when p &gt; ½ and 0 otherwise (so ½ predicts 0); the error counts predictions that
/// differ from the clean pixel. Cross-entropy is −[c log p + (1 − c) log(1 − p)] with p clipped to
/// [<see cref="ProbabilityFloor"/>, 1 − <see cref="ProbabilityFloor"/>], so a confident wrong 0/1 prediction costs
/// −log 10⁻⁶ ≈ 13.8 nats rather than infinity.</para>
/// <para>Why the trivial predictors: a blurry model can beat a sharp one on these numbers without having learned
/// anything about the images. On binarised Fashion-MNIST, filling every pixel of the hidden bottom half with its
/// training-set majority value already leaves only 0.278 of those pixels wrong; a model's error means something
/// only next to that.</para>
/// </remarks>
internal sealed class ReconstructionMetrics
{
    /// <summary>Probabilities are clipped to [ε, 1 − ε] with this ε before the logarithm.</summary>
    public const double ProbabilityFloor = 1e-6;

    private long _pixels, _corrupted, _wrongAll, _wrongCorrupted;
    private double _entropyAll, _entropyCorrupted;

    /// <summary>Adds a batch: predicted probabilities, clean 0/1 pixels and the corrupted-pixel mask, all of one length.</summary>
    /// <exception cref="ArgumentException">The three spans differ in length.</exception>
    public void Add(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> clean, ReadOnlySpan<bool> corrupted)
    {
        if (clean.Length != probabilities.Length)
            throw new ArgumentException($"Expected {probabilities.Length} clean pixels (one per probability); got {clean.Length}.", nameof(clean));
        if (corrupted.Length != probabilities.Length)
            throw new ArgumentException($"Expected {probabilities.Length} corrupted flags (one per probability); got {corrupted.Length}.", nameof(corrupted));
        for (int i = 0; i < probabilities.Length; i++)
        {
            bool one = clean[i] > 0.5f;
            bool wrong = probabilities[i] > 0.5f != one;
            double p = Math.Clamp((double)probabilities[i], ProbabilityFloor, 1 - ProbabilityFloor);
            double entropy = -Math.Log(one ? p : 1 - p);
            _pixels++;
            _entropyAll += entropy;
            if (wrong) _wrongAll++;
            if (corrupted[i])
            {
                _corrupted++;
                _entropyCorrupted += entropy;
                if (wrong) _wrongCorrupted++;
            }
        }
    }

    /// <summary>Adds the prediction <paramref name="probabilities"/> for <paramref name="batch"/>.</summary>
    public void Add(ReadOnlySpan<float> probabilities, CorruptedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Add(probabilities, batch.Clean, batch.Corrupted);
    }

    /// <summary>The scores of everything added so far (the error and cross-entropy of zero pixels are NaN).</summary>
    public ReconstructionScores Scores => new(
        Ratio(_wrongCorrupted, _corrupted), _entropyCorrupted / _corrupted,
        Ratio(_wrongAll, _pixels), _entropyAll / _pixels, _corrupted, _pixels);

    /// <summary>The scores of one prediction.</summary>
    public static ReconstructionScores Compute(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> clean, ReadOnlySpan<bool> corrupted)
    {
        var metrics = new ReconstructionMetrics();
        metrics.Add(probabilities, clean, corrupted);
        return metrics.Scores;
    }

    /// <summary>
    /// The "corrupted input as it is" predictor: the noisy image for flips (the noisy values for Gaussian noise); for occlusion the known pixels and 0 at
    /// every hidden pixel (the hidden region shown black), which therefore counts as wrong wherever the clean pixel is 1.
    /// </summary>
    public static float[] CorruptedInputPrediction(CorruptedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var prediction = (float[])batch.Values.Clone();
        for (int i = 0; i < prediction.Length; i++)
            if (!batch.Known[i]) prediction[i] = 0f;
        return prediction;
    }

    /// <summary>
    /// The "training-set majority" predictor: for occlusion, the known pixels and, at each hidden pixel, its
    /// training-set marginal probability; for flips and Gaussian noise (where no value can be trusted) every pixel gets its
    /// marginal. Thresholded at ½ this is the per-pixel majority value, and the cross-entropy scores the marginal itself;
    /// given the training column means of real values it is the mean fill.
    /// </summary>
    /// <param name="batch">The corrupted batch.</param>
    /// <param name="pixelMarginals">Training-set probability of each pixel being 1 (e.g. <c>train.ColumnMeans()</c>).</param>
    /// <exception cref="ArgumentException">The marginals do not have one entry per pixel.</exception>
    public static float[] MajorityFillPrediction(CorruptedBatch batch, IReadOnlyList<double> pixelMarginals)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(pixelMarginals);
        int d = batch.Dimension;
        if (pixelMarginals.Count != d)
            throw new ArgumentException($"Expected {d} marginals (one per pixel); got {pixelMarginals.Count}.", nameof(pixelMarginals));
        bool replaceAll = batch.Kind is CorruptionKind.PixelFlips or CorruptionKind.GaussianNoise;
        var prediction = (float[])batch.Values.Clone();
        for (int r = 0; r < batch.Rows; r++)
            for (int k = 0; k < d; k++)
            {
                int i = r * d + k;
                if (replaceAll || !batch.Known[i]) prediction[i] = (float)pixelMarginals[k];
            }
        return prediction;
    }

    private static double Ratio(long count, long total) => total == 0 ? double.NaN : (double)count / total;
}
