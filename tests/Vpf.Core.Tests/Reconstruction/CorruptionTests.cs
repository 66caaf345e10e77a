using Vpf.Core.Data;
using Vpf.Core.Reconstruction;

namespace Vpf.Core.Tests.Reconstruction;

public class CorruptionTests
{
    private static float[] RandomImages(int rows, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new float[rows * d];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(2);
        return x;
    }

    [Theory]
    [InlineData(50, 0.1, 5)]
    [InlineData(10, 0.25, 3)]   // 2.5 rounds away from zero
    [InlineData(784, 0.1, 78)]
    [InlineData(20, 0.0, 0)]
    [InlineData(20, 1.0, 20)]
    public void Flips_change_exactly_round_p_times_d_pixels_of_every_image(int d, double p, int expected)
    {
        var clean = RandomImages(30, d, 1);
        var batch = Corruption.FlipPixels(p).Apply(clean, 30, d, seed: 7);
        Assert.Equal(CorruptionKind.PixelFlips, batch.Kind);
        Assert.All(batch.Known, Assert.True);
        Assert.Equal(clean, batch.Clean);
        for (int r = 0; r < 30; r++)
        {
            int flipped = 0;
            for (int k = 0; k < d; k++)
            {
                int i = r * d + k;
                bool differs = batch.Values[i] != clean[i];
                Assert.Equal(differs, batch.Corrupted[i]);
                Assert.Equal(1f - clean[i], differs ? batch.Values[i] : 1f - batch.Values[i]);
                if (differs) flipped++;
            }
            Assert.Equal(expected, flipped);
        }
        Assert.Equal(30L * expected, batch.CorruptedCount);
    }

    [Fact]
    public void Flipped_positions_are_spread_over_the_image()
    {
        var batch = Corruption.FlipPixels(0.1).Apply(new float[2000 * 20], 2000, 20, seed: 3);
        var counts = new int[20];
        for (int i = 0; i < batch.Corrupted.Length; i++) if (batch.Corrupted[i]) counts[i % 20]++;
        // 2 of 20 pixels per image: each pixel is flipped in 200 of 2000 images on average (sd ≈ 13).
        Assert.All(counts, c => Assert.InRange(c, 140, 260));
    }

    [Fact]
    public void Bottom_half_of_a_28_by_28_image_is_exactly_rows_14_to_27()
    {
        var clean = RandomImages(4, 784, 2);
        var batch = Corruption.HideBottomHalf(28, 28).Apply(clean, 4, 784, seed: 0);
        Assert.Equal(CorruptionKind.Occlusion, batch.Kind);
        for (int r = 0; r < 4; r++)
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    int i = r * 784 + y * 28 + x;
                    bool hidden = y >= 14;
                    Assert.Equal(!hidden, batch.Known[i]);
                    Assert.Equal(hidden, batch.Corrupted[i]);
                    Assert.Equal(hidden ? 0f : clean[i], batch.Values[i]);
                }
        Assert.Equal(4L * 392, batch.CorruptedCount);
    }

    [Fact]
    public void Bottom_half_of_an_odd_height_includes_the_middle_row_and_reads_the_shape_from_the_data_set()
    {
        var data = BinaryDataset.FromBinaryRows(RandomImages(2, 15, 4), 2, 15, imageRows: 5, imageColumns: 3);
        var batch = Corruption.HideBottomHalf(data).Apply(data, seed: 1);
        for (int i = 0; i < 15; i++) Assert.Equal(i / 3 < 2, batch.Known[i]);
    }

    [Fact]
    public void A_data_set_without_image_shape_is_refused()
    {
        var data = BinaryDataset.FromBinaryRows(new float[6], 1, 6);
        Assert.Throws<InvalidOptionsException>(() => Corruption.HideBottomHalf(data));
        Assert.Throws<InvalidOptionsException>(() => Corruption.HideRandomSquare(data, 2));
        Assert.Throws<InvalidOptionsException>(() => Corruption.HideRandomSquare(5, 5, 6));
        Assert.Throws<InvalidOptionsException>(() => Corruption.FlipPixels(1.5));
        Assert.Throws<ArgumentException>(() => Corruption.HideBottomHalf(4, 4).Apply(new float[15], 1, 15, 0));
    }

    [Fact]
    public void Random_squares_are_whole_squares_inside_the_image_at_varying_positions()
    {
        const int rows = 200, h = 10, w = 8, s = 3;
        var batch = Corruption.HideRandomSquare(h, w, s).Apply(RandomImages(rows, h * w, 5), rows, h * w, seed: 11);
        var corners = new HashSet<(int, int)>();
        for (int r = 0; r < rows; r++)
        {
            int top = int.MaxValue, left = int.MaxValue, hidden = 0;
            for (int i = 0; i < h * w; i++)
                if (!batch.Known[r * h * w + i])
                {
                    hidden++;
                    top = Math.Min(top, i / w);
                    left = Math.Min(left, i % w);
                }
            Assert.Equal(s * s, hidden);
            Assert.InRange(top, 0, h - s);
            Assert.InRange(left, 0, w - s);
            for (int y = top; y < top + s; y++)
                for (int x = left; x < left + s; x++)
                    Assert.False(batch.Known[r * h * w + y * w + x]);
            corners.Add((top, left));
        }
        // 8 × 6 = 48 possible corners, 200 draws: nearly all should appear.
        Assert.True(corners.Count > 40, $"only {corners.Count} distinct corners");
    }

    [Fact]
    public void The_same_seed_gives_the_same_corruption_in_any_batching_and_another_seed_differs()
    {
        var clean = RandomImages(40, 64, 6);
        foreach (var corruption in new[] { Corruption.FlipPixels(0.2), Corruption.HideRandomSquare(8, 8, 3), Corruption.HideBottomHalf(8, 8) })
        {
            var whole = corruption.Apply(clean, 40, 64, seed: 9);
            var again = corruption.Apply(clean, 40, 64, seed: 9);
            Assert.Equal(whole.Values, again.Values);
            Assert.Equal(whole.Known, again.Known);
            var tail = corruption.Apply(clean.AsSpan(25 * 64), 15, 64, seed: 9, firstRow: 25);
            Assert.Equal(whole.Values.AsSpan(25 * 64).ToArray(), tail.Values);
            Assert.Equal(whole.Corrupted.AsSpan(25 * 64).ToArray(), tail.Corrupted);
            var other = corruption.Apply(clean, 40, 64, seed: 10);
            if (corruption.Description.Contains("bottom")) Assert.Equal(whole.Known, other.Known);
            else Assert.NotEqual(whole.Corrupted, other.Corrupted);
        }
    }
}
