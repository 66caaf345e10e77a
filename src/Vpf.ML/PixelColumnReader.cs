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
        long count = data.GetRowCount() ?? CountRows(data);
        if (count > int.MaxValue) throw new InvalidOperationException($"Column '{column.Name}' has {count} rows; at most {int.MaxValue} can be trained on.");
        var bits = new bool[count, width];
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
                if (buffer.IsDense)
                {
                    var values = buffer.GetValues();
                    for (int c = 0; c < width; c++) bits[row, c] = On(values[c], row, c);
                }
                else
                {
                    int c = 0;
                    foreach (float value in buffer.DenseValues()) { bits[row, c] = On(value, row, c); c++; }
                }
                row++;
            }
        }
        if (row != count) throw new InvalidOperationException($"Column '{column.Name}' yielded {row} rows but reported {count}.");

        // NaN would silently read as "off" and an out-of-range intensity as a valid one: both mean the column is not
        // what the options say it is (e.g. MaxIntensity 1 for 0–255 pixels), so say which value and why.
        bool On(float value, long r, int c)
        {
            if (!(value >= 0f && value <= maxIntensity))
                throw new InvalidOperationException(
                    $"Row {r} of column '{column.Name}' has {(float.IsNaN(value) ? "NaN" : value.ToString(System.Globalization.CultureInfo.InvariantCulture))} at pixel {c}; " +
                    $"expected intensities in [0, {maxIntensity.ToString(System.Globalization.CultureInfo.InvariantCulture)}] (MaxIntensity).");
            return value >= thresholdIntensity;
        }
        return BinaryDataset.FromBits(bits);
    }

    /// <summary>Reads the column as probabilities clip(x / max, 0, 1), rows × width, for binarisations drawn later.</summary>
    public static float[] ReadIntensities(IDataView data, DataViewSchema.Column column, int width, float maxIntensity, out int rows)
    {
        long count = data.GetRowCount() ?? CountRows(data);
        if (count * width > Array.MaxLength) throw new InvalidOperationException($"Column '{column.Name}' has {count} rows of {width}; too many to hold as grey levels.");
        var values = new float[count * width];
        float scale = 1f / maxIntensity;
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
                int c = 0;
                foreach (float value in buffer.DenseValues()) values[row * width + c++] = Math.Min(Math.Max(value * scale, 0f), 1f);
                row++;
            }
        }
        if (row != count) throw new InvalidOperationException($"Column '{column.Name}' yielded {row} rows but reported {count}.");
        rows = (int)count;
        return values;
    }

    private static long CountRows(IDataView data)
    {
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }
}
