using Vpf.Core.Data;

namespace Vpf.Core.Tests.Data;

public sealed class BinarisationTests
{
    private static bool[] Binarise(byte[] pixels, BinarisationOptions? options)
    {
        var set = BinaryDataset.FromIntensities(pixels, 1, pixels.Length, options);
        return Enumerable.Range(0, pixels.Length).Select(c => set[0, c]).ToArray();
    }

    [Fact]
    public void Default_threshold_is_intensity_at_least_128()
    {
        Assert.Equal([false, false, false, true, true, true], Binarise([0, 1, 127, 128, 129, 255], options: null));
        Assert.Equal(Binarisation.Threshold, BinarisationOptions.Default.Mode);
        Assert.Equal(0.5, BinarisationOptions.Default.ThresholdFraction);
    }

    [Fact]
    public void Threshold_fraction_is_inclusive_and_exact()
    {
        // 51 / 255 equals 0.2 in double arithmetic: the comparison is inclusive, so 51 is on.
        Assert.Equal([false, true, true], Binarise([50, 51, 52], BinarisationOptions.Threshold(0.2)));
        Assert.Equal([true, true], Binarise([0, 255], BinarisationOptions.Threshold(0)));
        Assert.Equal([false, true], Binarise([254, 255], BinarisationOptions.Threshold(1)));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Threshold_outside_zero_one_is_an_invalid_option(double fraction)
    {
        var e = Assert.Throws<InvalidOptionsException>(() => BinarisationOptions.Threshold(fraction));
        Assert.Equal("ThresholdFraction", e.Option);
    }

    [Fact]
    public void Stochastic_is_deterministic_for_a_seed_and_differs_between_seeds()
    {
        byte[] pixels = IdxTestFiles.Bytes(50 * 100, seed: 7);
        BinaryDataset Load(ulong seed) => BinaryDataset.FromIntensities(pixels, 50, 100, BinarisationOptions.Stochastic(seed));

        float[] a = Dense(Load(42)), b = Dense(Load(42)), c = Dense(Load(43));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Stochastic_extremes_are_certain()
    {
        Assert.Equal([false, true, false, true], Binarise([0, 255, 0, 255], BinarisationOptions.Stochastic(1)));
    }

    [Theory]
    [InlineData(77)]
    [InlineData(128)]
    [InlineData(230)]
    public void Stochastic_mean_matches_intensity_over_255(int intensity)
    {
        const int count = 400, dimension = 500;
        var pixels = Enumerable.Repeat((byte)intensity, count * dimension).ToArray();

        var set = BinaryDataset.FromIntensities(pixels, count, dimension, BinarisationOptions.Stochastic(2024));

        double p = intensity / 255.0, n = (double)count * dimension;
        double sigma = Math.Sqrt(p * (1 - p) / n);
        double mean = set.ColumnMeans().Average();
        Assert.InRange(mean, p - 5 * sigma, p + 5 * sigma);
        // Rows must not share one draw: the first columns' means are each near p too (tolerance per column).
        double columnSigma = Math.Sqrt(p * (1 - p) / count);
        Assert.All(set.ColumnMeans().Take(10), m => Assert.InRange(m, p - 5 * columnSigma, p + 5 * columnSigma));
    }

    internal static float[] Dense(BinaryDataset set)
    {
        var all = new float[set.Count * set.Dimension];
        set.CopyRows(Enumerable.Range(0, set.Count).ToArray(), all);
        return all;
    }
}
