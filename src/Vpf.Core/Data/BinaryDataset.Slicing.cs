namespace Vpf.Core.Data;

public sealed partial class BinaryDataset
{
    /// <summary>A copy of rows [<paramref name="start"/>, start + <paramref name="count"/>), with their labels.</summary>
    public BinaryDataset Subset(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Rows [{start}, {(long)start + count}) exceed the {Count} rows.");
        ulong[] bits = _bits.AsSpan(start * _wordsPerRow, count * _wordsPerRow).ToArray();
        byte[]? labels = _labels?.AsSpan(start, count).ToArray();
        return new BinaryDataset(bits, count, Dimension, labels, ImageRows, ImageColumns);
    }

    /// <summary>A copy of the rows <paramref name="indices"/>, in that order (repeats allowed), with their labels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public BinaryDataset Select(ReadOnlySpan<int> indices)
    {
        var bits = new ulong[(long)indices.Length * _wordsPerRow];
        byte[]? labels = _labels is null ? null : new byte[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int row = indices[i];
            if ((uint)row >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), row, $"Index at position {i} must be in [0, {Count}).");
            RowWords(row).CopyTo(bits.AsSpan(i * _wordsPerRow, _wordsPerRow));
            if (labels is not null)
                labels[i] = _labels![row];
        }
        return new BinaryDataset(bits, indices.Length, Dimension, labels, ImageRows, ImageColumns);
    }

    /// <summary>The first <paramref name="firstCount"/> rows and the rest, in order (e.g. a training/validation split).</summary>
    public (BinaryDataset First, BinaryDataset Second) Split(int firstCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstCount, Count);
        return (Subset(0, firstCount), Subset(firstCount, Count - firstCount));
    }

    /// <summary>
    /// A random split: round(<paramref name="firstFraction"/> × <see cref="Count"/>) rows chosen uniformly
    /// at random go to First, the others to Second. Each part keeps the original row order. The choice
    /// depends only on <paramref name="seed"/> and <see cref="Count"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstFraction"/> is not in [0, 1].</exception>
    public (BinaryDataset First, BinaryDataset Second) SplitShuffled(double firstFraction, ulong seed)
    {
        if (!(firstFraction >= 0 && firstFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(firstFraction), firstFraction, "Fraction must be in [0, 1].");
        int firstCount = (int)Math.Round(firstFraction * Count, MidpointRounding.AwayFromZero);
        int[] order = Permutation.Create(Count, seed);
        Span<int> first = order.AsSpan(0, firstCount), second = order.AsSpan(firstCount);
        first.Sort();
        second.Sort();
        return (Select(first), Select(second));
    }
}
