using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Data;
using Vpf.Onnx;

namespace Vpf.ML;

/// <summary>
/// Reads a real-valued column (Gaussian visible units) into rows × width floats, refusing a NaN or infinite value by
/// row, column, position and value: such a value has no place on a standardised scale, and would turn the column's
/// mean, its scale and then every feature into NaN without a word.
/// </summary>
internal static class RealColumnReader
{
    public static float[] Read(IDataView data, DataViewSchema.Column column, int width, out int rows)
    {
        long count = data.GetRowCount() ?? CountRows(data);
        if (count * width > Array.MaxLength)
            throw new InvalidOperationException($"Column '{column.Name}' has {count} rows of {width}; too many to hold as real values.");
        var values = new float[count * width];
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
                Check(buffer, row, column.Name, standardisation: null);
                buffer.CopyTo(values.AsSpan((int)(row * width), width));
                row++;
            }
        }
        if (row != count) throw new InvalidOperationException($"Column '{column.Name}' yielded {row} rows but reported {count}.");
        rows = (int)count;
        return values;
    }

    /// <summary>Standardises <paramref name="values"/> (rows × width) in place, refusing a row whose standardised value overflows.</summary>
    public static void Standardise(float[] values, int width, Standardisation standardisation, string column)
    {
        for (int start = 0; start < values.Length; start += width)
        {
            var row = values.AsSpan(start, width);
            for (int c = 0; c < width; c++)
                if (StandardisedInput.Problem(row[c], c, standardisation) is { } problem)
                    throw new InvalidOperationException($"Row {start / width} of column '{column}' {problem}.");
        }
        standardisation.Apply(values);
    }

    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> naming row, column, position and value when a value of
    /// <paramref name="values"/> is NaN or infinite, or (with a standardisation) standardises to such a value.
    /// </summary>
    public static void Check(in VBuffer<float> values, long row, string column, Standardisation? standardisation)
    {
        var explicitValues = values.GetValues();
        for (int k = 0; k < explicitValues.Length; k++)
        {
            int position = values.IsDense ? k : values.GetIndices()[k];
            if (StandardisedInput.Problem(explicitValues[k], position, standardisation) is { } problem)
                throw new InvalidOperationException($"Row {row} of column '{column}' {problem}.");
        }
    }

    private static long CountRows(IDataView data)
    {
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }
}
