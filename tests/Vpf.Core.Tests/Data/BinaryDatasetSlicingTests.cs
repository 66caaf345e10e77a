using Vpf.Core.Data;

namespace Vpf.Core.Tests.Data;

public sealed class BinaryDatasetSlicingTests
{
    private const int Dimension = 70; // more than one word per row

    /// <summary>Row r spells r in binary in its first 16 columns and has label r mod 256: alignment is checkable.</summary>
    private static BinaryDataset Numbered(int count)
    {
        var bits = new bool[count, Dimension];
        for (int r = 0; r < count; r++)
            for (int b = 0; b < 16; b++)
                bits[r, b] = (r >> b & 1) != 0;
        bits[0, Dimension - 1] = true; // a bit in the second word too
        return BinaryDataset.FromBits(bits, Enumerable.Range(0, count).Select(r => (byte)r).ToArray(), 7, 10);
    }

    /// <summary>The original row number each row of <paramref name="set"/> came from, checked against its label.</summary>
    private static int[] Origins(BinaryDataset set)
    {
        var origins = new int[set.Count];
        for (int r = 0; r < set.Count; r++)
        {
            for (int b = 0; b < 16; b++)
                origins[r] |= (set[r, b] ? 1 : 0) << b;
            Assert.Equal((byte)origins[r], set.GetLabel(r));
            Assert.Equal(origins[r] == 0, set[r, Dimension - 1]);
        }
        return origins;
    }

    [Fact]
    public void Subset_keeps_rows_labels_and_shape()
    {
        var subset = Numbered(300).Subset(250, 40);

        Assert.Equal(Enumerable.Range(250, 40), Origins(subset));
        Assert.Equal((7, 10), (subset.ImageRows, subset.ImageColumns));
        Assert.Equal(0, Numbered(3).Subset(3, 0).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(3).Subset(2, 2));
    }

    [Fact]
    public void Select_follows_the_given_order_with_repeats()
    {
        int[] indices = [299, 0, 17, 17, 256];

        Assert.Equal(indices, Origins(Numbered(300).Select(indices)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(3).Select([0, 3]));
    }

    [Fact]
    public void Split_cuts_in_order()
    {
        var (first, second) = Numbered(10).Split(7);

        Assert.Equal(Enumerable.Range(0, 7), Origins(first));
        Assert.Equal(Enumerable.Range(7, 3), Origins(second));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(11));
    }

    [Fact]
    public void SplitShuffled_partitions_deterministically()
    {
        var set = Numbered(1000);

        var (first, second) = set.SplitShuffled(0.8, seed: 5);
        int[] a = Origins(first), b = Origins(second);

        Assert.Equal(800, a.Length);
        Assert.Equal(200, b.Length);
        Assert.Equal(Enumerable.Range(0, 1000), a.Concat(b).Order());
        Assert.Equal(a.Order(), a);              // each part keeps the original order
        Assert.NotEqual(Enumerable.Range(0, 800), a); // but is a random choice
        Assert.Equal(a, Origins(set.SplitShuffled(0.8, seed: 5).First));
        Assert.NotEqual(a, Origins(set.SplitShuffled(0.8, seed: 6).First));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void SplitShuffled_rejects_fractions_outside_zero_one(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(5).SplitShuffled(fraction, 1));
    }
}
