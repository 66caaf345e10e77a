using Vpf.Core.Reconstruction;

namespace Vpf.Core.Tests.Reconstruction;

public class MetricsTests
{
    private const double Floor = ReconstructionMetrics.ProbabilityFloor;

    [Fact]
    public void Scores_match_hand_computed_values()
    {
        float[] p = [0.9f, 0.6f, 0.5f, 0f];
        float[] clean = [1, 0, 1, 0];
        bool[] corrupted = [true, true, false, false];
        var s = ReconstructionMetrics.Compute(p, clean, corrupted);
        // Predictions 1, 1, 0 (½ predicts 0), 0: wrong at 1 and 2.
        Assert.Equal(0.5, s.ErrorOnAll);
        Assert.Equal(0.5, s.ErrorOnCorrupted);
        double e0 = -Math.Log(0.9f), e1 = -Math.Log(1 - 0.6f), e2 = -Math.Log(0.5), e3 = -Math.Log(1 - Floor);
        Assert.Equal((e0 + e1 + e2 + e3) / 4, s.CrossEntropyOnAll, 1e-12);
        Assert.Equal((e0 + e1) / 2, s.CrossEntropyOnCorrupted, 1e-12);
        Assert.Equal(2, s.CorruptedPixels);
        Assert.Equal(4, s.Pixels);
    }

    [Fact]
    public void Accumulating_batches_equals_scoring_them_together_and_no_corrupted_pixel_gives_NaN()
    {
        float[] p = [0.9f, 0.2f, 0.7f, 0.4f, 0.1f, 0.99f];
        float[] clean = [1, 1, 0, 0, 1, 1];
        bool[] corrupted = [true, false, true, true, false, true];
        var metrics = new ReconstructionMetrics();
        metrics.Add(p.AsSpan(0, 2), clean.AsSpan(0, 2), corrupted.AsSpan(0, 2));
        metrics.Add(p.AsSpan(2), clean.AsSpan(2), corrupted.AsSpan(2));
        var whole = ReconstructionMetrics.Compute(p, clean, corrupted);
        Assert.Equal(whole.ErrorOnAll, metrics.Scores.ErrorOnAll);
        Assert.Equal(whole.CrossEntropyOnCorrupted, metrics.Scores.CrossEntropyOnCorrupted, 1e-12);
        Assert.True(double.IsNaN(ReconstructionMetrics.Compute(p, clean, new bool[6]).ErrorOnCorrupted));
        Assert.Throws<ArgumentException>(() => ReconstructionMetrics.Compute(p, clean.AsSpan(1), corrupted));
    }

    [Fact]
    public void Trivial_predictors_for_occlusion_fill_hidden_pixels_with_zero_and_with_the_training_marginal()
    {
        float[] clean = [1, 0, 1, 1];
        var batch = new CorruptedBatch(CorruptionKind.Occlusion, "test", 1, 4, clean,
            values: [1, 0, 0, 0], known: [true, true, false, false], corrupted: [false, false, true, true]);
        double[] marginals = [0.2, 0.7, 0.8, 0.4];

        var asItIs = ReconstructionMetrics.CorruptedInputPrediction(batch);
        Assert.Equal([1f, 0f, 0f, 0f], asItIs);
        var s = ReconstructionMetrics.Compute(asItIs, clean, batch.Corrupted);
        Assert.Equal(1.0, s.ErrorOnCorrupted);
        Assert.Equal(0.5, s.ErrorOnAll);
        double confidentWrong = -Math.Log(Floor), confidentRight = -Math.Log(1 - Floor);
        Assert.Equal(confidentWrong, s.CrossEntropyOnCorrupted, 1e-9);
        Assert.Equal((2 * confidentWrong + 2 * confidentRight) / 4, s.CrossEntropyOnAll, 1e-9);

        var majority = ReconstructionMetrics.MajorityFillPrediction(batch, marginals);
        Assert.Equal([1f, 0f, 0.8f, 0.4f], majority);
        var m = ReconstructionMetrics.Compute(majority, clean, batch.Corrupted);
        Assert.Equal(0.5, m.ErrorOnCorrupted);   // 0.8 → 1 right, 0.4 → 0 wrong
        Assert.Equal(0.25, m.ErrorOnAll);
        Assert.Equal((-Math.Log(0.8f) - Math.Log(0.4f)) / 2, m.CrossEntropyOnCorrupted, 1e-7);
    }

    [Fact]
    public void Trivial_predictors_for_flips_keep_the_noisy_image_or_replace_every_pixel_by_its_marginal()
    {
        float[] clean = [1, 0, 1];
        var batch = new CorruptedBatch(CorruptionKind.PixelFlips, "test", 1, 3, clean,
            values: [0, 0, 1], known: [true, true, true], corrupted: [true, false, false]);
        var asItIs = ReconstructionMetrics.Compute(ReconstructionMetrics.CorruptedInputPrediction(batch), clean, batch.Corrupted);
        Assert.Equal(1.0, asItIs.ErrorOnCorrupted);
        Assert.Equal(1.0 / 3, asItIs.ErrorOnAll, 1e-12);

        var majority = ReconstructionMetrics.MajorityFillPrediction(batch, [0.6, 0.3, 0.45]);
        Assert.Equal([0.6f, 0.3f, 0.45f], majority);
        var m = ReconstructionMetrics.Compute(majority, clean, batch.Corrupted);
        Assert.Equal(0.0, m.ErrorOnCorrupted);
        Assert.Equal(1.0 / 3, m.ErrorOnAll, 1e-12);   // 0.45 predicts 0 against a clean 1
        Assert.Equal((-Math.Log(0.6f) - Math.Log(1 - 0.3f) - Math.Log(0.45f)) / 3, m.CrossEntropyOnAll, 1e-7);
    }
}
