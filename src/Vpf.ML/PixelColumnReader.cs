using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Data;

namespace Vpf.ML;

/// <summary>
/// Reads a pixel column into a bit-packed <see cref="BinaryDataset"/>, binarising each row as it is read (on when
/// intensity ≥ the threshold intensity, compared in single precision as the ONNX graph does). The data set is never
/// held as floats: one row's buffer, one byte per pixel while reading, then one bit per pixel.
/// </summary>
internal static class PixelColumnReader
{
    public static BinaryDataset Read(IDataView data, DataViewSchema.Column column, int width, float thresholdIntensity, float maxIntensity)
    {
        long count = RowCount(data, column);
        var bits = new bool[count, width];
        ForEachRow(data, column, width, count, maxIntensity, (row, values) =>
        {
            for (int c = 0; c < width; c++) bits[row, c] = values[c] >= thresholdIntensity;
        });
        return BinaryDataset.FromBits(bits);
    }

    /// <summary>Reads the column as probabilities x / max, rows × width, for binarisations drawn later (every pixel checked as by <see cref="Read"/>).</summary>
    public static float[] ReadIntensities(IDataView data, DataViewSchema.Column column, int width, float maxIntensity, out int rows)
    {
        long count = RowCount(data, column);
        if (count * width > Array.MaxLength) throw new InvalidOperationException($"Column '{column.Name}' has {count} rows of {width}; too many to hold as grey levels.");
        var grey = new float[count * width];
        float scale = 1f / maxIntensity;
        ForEachRow(data, column, width, count, maxIntensity, (row, values) =>
        {
            var target = grey.AsSpan((int)(row * width), width);
            for (int c = 0; c < width; c++) target[c] = Math.Min(values[c] * scale, 1f);
        });
        rows = (int)count;
        return grey;
    }

    private static long RowCount(IDataView data, DataViewSchema.Column column)
    {
        long count = data.GetRowCount() ?? CountRows(data);
        if (count > int.MaxValue) throw new InvalidOperationException($"Column '{column.Name}' has {count} rows; at most {int.MaxValue} can be trained on.");
        return count;
    }

    private delegate void RowAction(long row, ReadOnlySpan<float> values);

    /// <summary>
    /// Hands every row, dense, to <paramref name="action"/> after checking its width and each intensity. NaN would
    /// silently read as "off" and an out-of-range intensity as a valid one: both mean the column is not what the
    /// options say it is (e.g. MaxIntensity 1 for 0–255 pixels), so the error says which value and why.
    /// </summary>
    private static void ForEachRow(IDataView data, DataViewSchema.Column column, int width, long count, float maxIntensity, RowAction action)
    {
        var dense = new float[width];
        long row = 0;
        using (var cursor = data.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                if (row == count) throw new InvalidOperationException($"Column '{column.Name}' yielded more rows than the {count} it reported.");
                getter(ref buffer);
                if (buffer.Length != width)
                    throw new InvalidOperationException($"Row {row} of column '{column.Name}' has {buffer.Length} values; expected {width}.");
                buffer.CopyTo(dense);
                for (int c = 0; c < width; c++)
                {
                    float value = dense[c];
                    if (!(value >= 0f && value <= maxIntensity))
                        throw new InvalidOperationException(
                            $"Row {row} of column '{column.Name}' has {(float.IsNaN(value) ? "NaN" : value.ToString(System.Globalization.CultureInfo.InvariantCulture))} at pixel {c}; " +
                            $"expected intensities in [0, {maxIntensity.ToString(System.Globalization.CultureInfo.InvariantCulture)}] (MaxIntensity).");
                }
                action(row, dense);
                row++;
            }
        }
        if (row != count) throw new InvalidOperationException($"Column '{column.Name}' yielded {row} rows but reported {count}.");
    }

    private static long CountRows(IDataView data)
    {
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }
}
