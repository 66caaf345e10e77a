using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vpf.ML;

/// <summary>
/// The input of a fitted transformer, passed through unchanged except that every pixel vector read from the pixel
/// column is checked to lie in [0, MaxIntensity]: a NaN, negative or too large intensity would otherwise flow through
/// the ONNX graph into features without a word. The failure names the column, the row, the pixel and the value.
/// </summary>
internal sealed class PixelRangeView : IDataView
{
    private readonly IDataView _input;
    private readonly int _column;
    private readonly string _name;
    private readonly float _max;

    public PixelRangeView(IDataView input, DataViewSchema.Column column, float maxIntensity)
    {
        _input = input;
        _column = column.Index;
        _name = column.Name;
        _max = maxIntensity;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _input.Schema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(_input.GetRowCursor(columnsNeeded, rand), this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        _input.GetRowCursorSet(columnsNeeded, n, rand).Select(c => (DataViewRowCursor)new Cursor(c, this)).ToArray();

    /// <summary>Throws when a value of <paramref name="pixels"/> (row <paramref name="row"/>) is outside [0, max].</summary>
    internal static void Check(in VBuffer<float> pixels, long row, string column, float max)
    {
        var values = pixels.GetValues();
        for (int k = 0; k < values.Length; k++)
        {
            float value = values[k];
            if (value >= 0f && value <= max) continue;
            int pixel = pixels.IsDense ? k : pixels.GetIndices()[k];
            throw Refusal($"Row {row} of column '{column}'", value, pixel, max);
        }
    }

    /// <summary>The error for <paramref name="value"/> at <paramref name="pixel"/> of <paramref name="where"/> ("Row 3 of column 'Pixels'").</summary>
    internal static InvalidOperationException Refusal(string where, float value, int pixel, float max) => new(
        $"{where} has {(float.IsNaN(value) ? "NaN" : value.ToString(CultureInfo.InvariantCulture))} at pixel {pixel}; " +
        $"expected intensities in [0, {max.ToString(CultureInfo.InvariantCulture)}] (MaxIntensity).");

    private sealed class Cursor(DataViewRowCursor inner, PixelRangeView view) : DataViewRowCursor
    {
        public override long Position => inner.Position;

        public override long Batch => inner.Batch;

        public override DataViewSchema Schema => inner.Schema;

        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(column);

        public override bool MoveNext() => inner.MoveNext();

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var getter = inner.GetGetter<TValue>(column);
            if (column.Index != view._column || getter is not ValueGetter<VBuffer<float>> pixels) return getter;
            ValueGetter<VBuffer<float>> checkedGetter = (ref VBuffer<float> value) =>
            {
                pixels(ref value);
                Check(value, inner.Position, view._name, view._max);
            };
            return (ValueGetter<TValue>)(Delegate)checkedGetter;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
