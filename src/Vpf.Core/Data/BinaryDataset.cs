using Vpf.Kernels;

namespace Vpf.Core.Data;

/// <summary>
/// An immutable set of binary vectors (e.g. binarised images), stored bit-packed: each row takes
/// ⌈<see cref="Dimension"/> / 64⌉ 64-bit words (<see cref="BytesPerRow"/> bytes: 104 for a 784-pixel
/// MNIST image, against 3136 as floats), so a whole data set is never held as floats. Training reads
/// it one mini-batch at a time through <see cref="CopyRows"/>.
/// </summary>
/// <remarks>
/// Bit j of row r is bit j mod 64 of word r·⌈D/64⌉ + j/64; unused bits of a row's last word are zero.
/// A set may be empty (<see cref="Count"/> 0). Optional labels (one byte per row) follow the rows
/// through <see cref="Subset"/>, <see cref="Select"/> and the splits.
/// </remarks>
public sealed partial class BinaryDataset : Dataset
{
    private readonly ulong[] _bits;
    private readonly byte[]? _labels;
    private readonly int _wordsPerRow;

    /// <summary>Takes ownership of <paramref name="bits"/> and <paramref name="labels"/>; arguments already validated.</summary>
    private BinaryDataset(ulong[] bits, int count, int dimension, byte[]? labels, int imageRows, int imageColumns)
    {
        _bits = bits;
        _labels = labels;
        _wordsPerRow = WordsPerRow(dimension);
        Count = count;
        Dimension = dimension;
        ImageRows = imageRows;
        ImageColumns = imageColumns;
    }

    /// <summary>Number of rows (examples).</summary>
    public override int Count { get; }

    /// <summary>Number of binary values per row (visible units).</summary>
    public override int Dimension { get; }

    /// <summary>Pixel rows of each example when it is an image (for display), else 0.</summary>
    public override int ImageRows { get; }

    /// <summary>Pixel columns of each example when it is an image (for display), else 0.</summary>
    public override int ImageColumns { get; }

    /// <summary>Whether each row carries a label.</summary>
    public override bool HasLabels => _labels is not null;

    /// <summary>One label per row when <see cref="HasLabels"/>, else empty.</summary>
    public override ReadOnlyMemory<byte> Labels => _labels;

    /// <summary>Memory taken by one row: 8 bytes per started group of 64 values.</summary>
    internal int BytesPerRow => _wordsPerRow * sizeof(ulong);

    /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>): true for 1.</summary>
    public bool this[int row, int column]
    {
        get
        {
            CheckRow(row);
            if ((uint)column >= (uint)Dimension)
                throw new ArgumentOutOfRangeException(nameof(column), column, $"Column must be in [0, {Dimension}).");
            return (_bits[(long)row * _wordsPerRow + (column >> 6)] >> (column & 63) & 1) != 0;
        }
    }

    /// <summary>The label of <paramref name="row"/>.</summary>
    /// <exception cref="InvalidOperationException">The set has no labels.</exception>
    public override byte GetLabel(int row)
    {
        CheckRow(row);
        return _labels is null ? throw new InvalidOperationException("This data set has no labels.") : _labels[row];
    }

    /// <summary>
    /// Writes the mini-batch made of rows <paramref name="rowIndices"/> (any order, repeats allowed) as
    /// 0f/1f floats: row rowIndices[i] goes to destination[i·D .. (i+1)·D). Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>); nothing is written.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than rowIndices.Length × <see cref="Dimension"/>; longer is fine, the rest is left alone.</exception>
    public override void CopyRows(ReadOnlySpan<int> rowIndices, Span<float> destination)
    {
        long needed = (long)rowIndices.Length * Dimension;
        if (destination.Length < needed)
            throw new ArgumentException(
                $"Destination holds {destination.Length} floats but {rowIndices.Length} rows of {Dimension} need {needed}.",
                nameof(destination));
        // Validate everything first, so that a bad index does not leave a half-written batch.
        for (int i = 0; i < rowIndices.Length; i++)
            if ((uint)rowIndices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(rowIndices), rowIndices[i],
                    $"Row index at position {i} must be in [0, {Count}).");
        for (int i = 0; i < rowIndices.Length; i++)
            BitUnpacking.Unpack(RowWords(rowIndices[i]), destination.Slice(i * Dimension, Dimension));
    }

    /// <summary>Always true: every value of a binary set is 0 or 1.</summary>
    public override bool IsBinary => true;

    /// <summary>Fraction of rows in which each column is 1 (e.g. to initialise visible biases).</summary>
    public override double[] ColumnMeans()
    {
        var means = new double[Dimension];
        if (Count == 0)
            return means;
        var ones = new long[Dimension];
        for (int r = 0; r < Count; r++)
        {
            ReadOnlySpan<ulong> words = RowWords(r);
            for (int w = 0; w < words.Length; w++)
                for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                    ones[(w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)]++;
        }
        for (int c = 0; c < Dimension; c++)
            means[c] = (double)ones[c] / Count;
        return means;
    }

    /// <summary>The packed words of one row (no bounds check on <paramref name="row"/> beyond the array's).</summary>
    internal ReadOnlySpan<ulong> RowWords(int row) => _bits.AsSpan(row * _wordsPerRow, _wordsPerRow);

    private static int WordsPerRow(int dimension) => (dimension + 63) >> 6;

    private void CheckRow(int row)
    {
        if ((uint)row >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {Count}).");
    }
}
