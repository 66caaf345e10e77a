namespace Vpf.Core.Data;

public sealed partial class BinaryDataset
{
    /// <summary>
    /// Binarises <paramref name="count"/> rows of <paramref name="dimension"/> byte intensities
    /// (row-major, row after row) by <paramref name="options"/> (default: threshold at intensity ≥ 128).
    /// </summary>
    /// <param name="pixels">Exactly count × dimension intensities.</param>
    /// <param name="count">Number of rows, at least 0.</param>
    /// <param name="dimension">Values per row, at least 1.</param>
    /// <param name="options">Binarisation rule; null for <see cref="BinarisationOptions.Default"/>.</param>
    /// <param name="labels">Null, or one label per row (copied).</param>
    /// <param name="imageRows">Image height for display, or 0; with <paramref name="imageColumns"/> it must multiply to <paramref name="dimension"/>.</param>
    /// <param name="imageColumns">Image width for display, or 0.</param>
    /// <exception cref="ArgumentException">Sizes, pixel count, label count or image shape disagree.</exception>
    public static BinaryDataset FromIntensities(ReadOnlySpan<byte> pixels, int count, int dimension,
        BinarisationOptions? options = null, byte[]? labels = null, int imageRows = 0, int imageColumns = 0)
        => FromIntensities(pixels, count, dimension, options, labels, imageRows, imageColumns, streamSalt: 0);

    /// <summary>
    /// As the public overload, with a salt that separates the stochastic streams of sets sharing a seed, and the number
    /// of the first row in its file (row streams are keyed by it, so a part of a file binarises as within the whole).
    /// </summary>
    internal static BinaryDataset FromIntensities(ReadOnlySpan<byte> pixels, int count, int dimension,
        BinarisationOptions? options, byte[]? labels, int imageRows, int imageColumns, ulong streamSalt, int firstRow = 0)
    {
        ulong[] bits = Allocate(count, dimension, labels, imageRows, imageColumns);
        if (pixels.Length != (long)count * dimension)
            throw new ArgumentException(
                $"{pixels.Length} intensities given for {count} rows of {dimension} (expected {(long)count * dimension}).",
                nameof(pixels));
        Binariser.Pack(pixels, count, dimension, options ?? BinarisationOptions.Default, streamSalt, bits, WordsPerRow(dimension), firstRow);
        return new BinaryDataset(bits, count, dimension, labels?.ToArray(), imageRows, imageColumns);
    }

    /// <summary>Packs rows of values that must each be exactly 0 or 1; <c>rows[r, c]</c> is column c of row r.</summary>
    /// <exception cref="ArgumentException">A value is neither 0 nor 1 (the message names row, column and value), or sizes disagree.</exception>
    public static BinaryDataset FromBinaryRows(float[,] rows, byte[]? labels = null, int imageRows = 0, int imageColumns = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int count = rows.GetLength(0), dimension = rows.GetLength(1);
        ulong[] bits = Allocate(count, dimension, labels, imageRows, imageColumns);
        int wordsPerRow = WordsPerRow(dimension);
        for (int r = 0; r < count; r++)
            for (int c = 0; c < dimension; c++)
                SetChecked(bits, wordsPerRow, r, c, rows[r, c], nameof(rows));
        return new BinaryDataset(bits, count, dimension, labels?.ToArray(), imageRows, imageColumns);
    }

    /// <summary>
    /// Packs <paramref name="count"/> rows of <paramref name="dimension"/> values laid out row after row
    /// (e.g. a mini-batch buffer of samples); each value must be exactly 0 or 1.
    /// </summary>
    /// <exception cref="ArgumentException">A value is neither 0 nor 1 (the message names row, column and value), or sizes disagree.</exception>
    public static BinaryDataset FromBinaryRows(ReadOnlySpan<float> values, int count, int dimension,
        byte[]? labels = null, int imageRows = 0, int imageColumns = 0)
    {
        ulong[] bits = Allocate(count, dimension, labels, imageRows, imageColumns);
        if (values.Length != (long)count * dimension)
            throw new ArgumentException(
                $"{values.Length} values given for {count} rows of {dimension} (expected {(long)count * dimension}).",
                nameof(values));
        int wordsPerRow = WordsPerRow(dimension);
        for (int r = 0; r < count; r++)
            for (int c = 0; c < dimension; c++)
                SetChecked(bits, wordsPerRow, r, c, values[r * dimension + c], nameof(values));
        return new BinaryDataset(bits, count, dimension, labels?.ToArray(), imageRows, imageColumns);
    }

    /// <summary>Packs a matrix of booleans; <c>bits[r, c]</c> is column c of row r.</summary>
    /// <exception cref="ArgumentException">Sizes, label count or image shape disagree.</exception>
    public static BinaryDataset FromBits(bool[,] bits, byte[]? labels = null, int imageRows = 0, int imageColumns = 0)
    {
        ArgumentNullException.ThrowIfNull(bits);
        int count = bits.GetLength(0), dimension = bits.GetLength(1);
        ulong[] words = Allocate(count, dimension, labels, imageRows, imageColumns);
        int wordsPerRow = WordsPerRow(dimension);
        for (int r = 0; r < count; r++)
            for (int c = 0; c < dimension; c++)
                if (bits[r, c])
                    words[r * wordsPerRow + (c >> 6)] |= 1UL << (c & 63);
        return new BinaryDataset(words, count, dimension, labels?.ToArray(), imageRows, imageColumns);
    }

    private static void SetChecked(ulong[] bits, int wordsPerRow, int row, int column, float value, string parameter)
    {
        if (value == 1f)
            bits[row * wordsPerRow + (column >> 6)] |= 1UL << (column & 63);
        else if (value != 0f)
            throw new ArgumentException($"Value at row {row}, column {column} is {value}; binary data must be 0 or 1.", parameter);
    }

    /// <summary>Checks the shape arguments shared by every factory and allocates the zeroed words.</summary>
    private static ulong[] Allocate(int count, int dimension, byte[]? labels, int imageRows, int imageColumns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (labels is not null && labels.Length != count)
            throw new ArgumentException($"{labels.Length} labels given for {count} rows.", nameof(labels));
        bool noShape = imageRows == 0 && imageColumns == 0;
        if (!noShape && (imageRows <= 0 || imageColumns <= 0 || (long)imageRows * imageColumns != dimension))
            throw new ArgumentException(
                $"Image shape {imageRows}×{imageColumns} does not match dimension {dimension}; give both 0 when there is no shape.",
                nameof(imageRows));
        long words = (long)count * WordsPerRow(dimension);
        if (words > Array.MaxLength)
            throw new ArgumentException($"{count} rows of {dimension} bits exceed the capacity of one array.", nameof(count));
        return new ulong[words];
    }
}
