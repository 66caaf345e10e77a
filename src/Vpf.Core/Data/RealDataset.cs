namespace Vpf.Core.Data;

/// <summary>
/// An immutable set of real-valued rows (grey levels, sensor readings, tabular features) for a machine with Gaussian
/// visible units; every value is finite. Rows are held as floats, row after row, so a set of N rows of D values takes
/// 4·N·D bytes (a binary set takes an eighth of a byte per value: use <see cref="BinaryDataset"/> for binary data).
/// </summary>
/// <remarks>Optional labels (one byte per row) follow the rows through <see cref="Subset"/> and <see cref="Select"/>.</remarks>
public sealed partial class RealDataset : Dataset
{
    private readonly float[] _values;
    private readonly byte[]? _labels;

    /// <summary>Takes ownership of the arrays; arguments already validated.</summary>
    private RealDataset(float[] values, int count, int dimension, byte[]? labels, int imageRows, int imageColumns, bool isBinary)
    {
        _values = values;
        _labels = labels;
        Count = count;
        Dimension = dimension;
        ImageRows = imageRows;
        ImageColumns = imageColumns;
        IsBinary = isBinary;
    }

    /// <inheritdoc/>
    public override int Count { get; }

    /// <inheritdoc/>
    public override int Dimension { get; }

    /// <inheritdoc/>
    public override int ImageRows { get; }

    /// <inheritdoc/>
    public override int ImageColumns { get; }

    /// <inheritdoc/>
    public override bool HasLabels => _labels is not null;

    /// <inheritdoc/>
    public override ReadOnlyMemory<byte> Labels => _labels;

    /// <inheritdoc/>
    public override bool IsBinary { get; }

    /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public float this[int row, int column]
    {
        get
        {
            CheckRow(row);
            if ((uint)column >= (uint)Dimension)
                throw new ArgumentOutOfRangeException(nameof(column), column, $"Column must be in [0, {Dimension}).");
            return _values[(long)row * Dimension + column];
        }
    }

    /// <summary>
    /// Copies <paramref name="count"/> rows of <paramref name="dimension"/> values laid out row after row; every value
    /// must be finite.
    /// </summary>
    /// <param name="values">Exactly count × dimension values.</param>
    /// <param name="count">Number of rows, at least 0.</param>
    /// <param name="dimension">Values per row, at least 1.</param>
    /// <param name="labels">Null, or one label per row (copied).</param>
    /// <param name="imageRows">Image height for display, or 0; with <paramref name="imageColumns"/> it must multiply to <paramref name="dimension"/>.</param>
    /// <param name="imageColumns">Image width for display, or 0.</param>
    /// <exception cref="ArgumentException">A value is NaN or infinite (the message names row, column and value), or sizes, label count or image shape disagree.</exception>
    public static RealDataset FromValues(ReadOnlySpan<float> values, int count, int dimension,
        byte[]? labels = null, int imageRows = 0, int imageColumns = 0)
    {
        CheckShape(count, dimension, labels, imageRows, imageColumns);
        if (values.Length != (long)count * dimension)
            throw new ArgumentException(
                $"{values.Length} values given for {count} rows of {dimension} (expected {(long)count * dimension}).", nameof(values));
        bool isBinary = true;
        for (int t = 0; t < values.Length; t++)
        {
            float value = values[t];
            if (!float.IsFinite(value))
                throw new ArgumentException(
                    $"Value at row {t / dimension}, column {t % dimension} is {value}; real-valued data must be finite.", nameof(values));
            isBinary &= value == 0f || value == 1f;
        }
        return new RealDataset(values.ToArray(), count, dimension, labels?.ToArray(), imageRows, imageColumns, isBinary);
    }

    /// <summary>Copies a matrix of values; <c>rows[r, c]</c> is column c of row r. Every value must be finite.</summary>
    /// <exception cref="ArgumentException">A value is NaN or infinite (the message names row, column and value), or sizes disagree.</exception>
    public static RealDataset FromRows(float[,] rows, byte[]? labels = null, int imageRows = 0, int imageColumns = 0)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int count = rows.GetLength(0), dimension = rows.GetLength(1);
        CheckShape(count, dimension, labels, imageRows, imageColumns);
        var values = new float[(long)count * dimension];
        for (int r = 0; r < count; r++)
            for (int c = 0; c < dimension; c++)
                values[(long)r * dimension + c] = rows[r, c];
        return FromValues(values, count, dimension, labels, imageRows, imageColumns);
    }

    /// <summary>
    /// Grey levels as real values: each intensity divided by 255, so the rows lie in [0, 1] (standardise them with
    /// <see cref="Standardisation"/> before training Gaussian visible units).
    /// </summary>
    /// <exception cref="ArgumentException">Sizes, intensity count, label count or image shape disagree.</exception>
    public static RealDataset FromIntensities(ReadOnlySpan<byte> pixels, int count, int dimension,
        byte[]? labels = null, int imageRows = 0, int imageColumns = 0)
    {
        CheckShape(count, dimension, labels, imageRows, imageColumns);
        if (pixels.Length != (long)count * dimension)
            throw new ArgumentException(
                $"{pixels.Length} intensities given for {count} rows of {dimension} (expected {(long)count * dimension}).", nameof(pixels));
        var values = new float[pixels.Length];
        bool isBinary = true;
        for (int t = 0; t < pixels.Length; t++)
        {
            values[t] = pixels[t] / 255f;
            isBinary &= pixels[t] is 0 or 255;
        }
        return new RealDataset(values, count, dimension, labels?.ToArray(), imageRows, imageColumns, isBinary);
    }

    /// <summary>The rows of a binary set as the real values 0 and 1, with its labels and image shape.</summary>
    public static RealDataset FromBinary(BinaryDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var values = new float[(long)data.Count * data.Dimension];
        data.CopyRows(Enumerable.Range(0, data.Count).ToArray(), values);
        return new RealDataset(values, data.Count, data.Dimension, data.HasLabels ? data.Labels.ToArray() : null,
            data.ImageRows, data.ImageColumns, isBinary: true);
    }

    /// <inheritdoc/>
    public override byte GetLabel(int row)
    {
        CheckRow(row);
        return _labels is null ? throw new InvalidOperationException("This data set has no labels.") : _labels[row];
    }

    /// <inheritdoc/>
    public override void CopyRows(ReadOnlySpan<int> rowIndices, Span<float> destination)
    {
        long needed = (long)rowIndices.Length * Dimension;
        if (destination.Length < needed)
            throw new ArgumentException(
                $"Destination holds {destination.Length} floats but {rowIndices.Length} rows of {Dimension} need {needed}.",
                nameof(destination));
        for (int i = 0; i < rowIndices.Length; i++)
            if ((uint)rowIndices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(rowIndices), rowIndices[i],
                    $"Row index at position {i} must be in [0, {Count}).");
        for (int i = 0; i < rowIndices.Length; i++)
            Row(rowIndices[i]).CopyTo(destination.Slice(i * Dimension, Dimension));
    }

    /// <inheritdoc/>
    public override double[] ColumnMeans()
    {
        var means = new double[Dimension];
        if (Count == 0) return means;
        for (int r = 0; r < Count; r++)
        {
            ReadOnlySpan<float> row = Row(r);
            for (int c = 0; c < Dimension; c++) means[c] += row[c];
        }
        for (int c = 0; c < Dimension; c++) means[c] /= Count;
        return means;
    }

    /// <summary>A copy of rows [<paramref name="start"/>, start + <paramref name="count"/>), with their labels.</summary>
    public RealDataset Subset(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Rows [{start}, {(long)start + count}) exceed the {Count} rows.");
        return Select(Enumerable.Range(start, count).ToArray());
    }

    /// <summary>A copy of the rows <paramref name="indices"/>, in that order (repeats allowed), with their labels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, <see cref="Count"/>).</exception>
    public RealDataset Select(ReadOnlySpan<int> indices)
    {
        var values = new float[(long)indices.Length * Dimension];
        CopyRows(indices, values);
        byte[]? labels = _labels is null ? null : new byte[indices.Length];
        if (labels is not null)
            for (int i = 0; i < indices.Length; i++) labels[i] = _labels![indices[i]];
        bool isBinary = IsBinary || Array.TrueForAll(values, v => v == 0f || v == 1f);
        return new RealDataset(values, indices.Length, Dimension, labels, ImageRows, ImageColumns, isBinary);
    }

    /// <summary>The first <paramref name="firstCount"/> rows and the rest, in order (e.g. a training/validation split).</summary>
    public (RealDataset First, RealDataset Second) Split(int firstCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstCount, Count);
        return (Subset(0, firstCount), Subset(firstCount, Count - firstCount));
    }

    /// <summary>One row's values (no bounds check on <paramref name="row"/> beyond the array's).</summary>
    internal ReadOnlySpan<float> Row(int row) => _values.AsSpan((int)((long)row * Dimension), Dimension);

    private void CheckRow(int row)
    {
        if ((uint)row >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in [0, {Count}).");
    }

    private static void CheckShape(int count, int dimension, byte[]? labels, int imageRows, int imageColumns)
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
        if ((long)count * dimension > Array.MaxLength)
            throw new ArgumentException($"{count} rows of {dimension} values exceed the capacity of one array.", nameof(count));
    }
}
