using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Data;

namespace Vpf.ML;

/// <summary>
/// The input of a fitted transformer for Gaussian visible units, passed through unchanged except that every vector
/// read from the input column is checked (<see cref="RealColumnReader.Check"/>): a NaN or infinite value, or one whose
/// standardised value overflows, fails naming the column, the row, the position and the value. The graph refuses the
/// same values, but ONNX Runtime's message names neither the row nor the value.
/// </summary>
internal sealed class RealValueView : IDataView
{
    private readonly IDataView _input;
    private readonly int _column;
    private readonly string _name;
    private readonly Standardisation _standardisation;

    public RealValueView(IDataView input, DataViewSchema.Column column, Standardisation standardisation)
    {
        _input = input;
        _column = column.Index;
        _name = column.Name;
        _standardisation = standardisation;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _input.Schema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(_input.GetRowCursor(columnsNeeded, rand), this);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        _input.GetRowCursorSet(columnsNeeded, n, rand).Select(c => (DataViewRowCursor)new Cursor(c, this)).ToArray();

    private sealed class Cursor(DataViewRowCursor inner, RealValueView view) : DataViewRowCursor
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
            if (column.Index != view._column || getter is not ValueGetter<VBuffer<float>> values) return getter;
            ValueGetter<VBuffer<float>> checkedGetter = (ref VBuffer<float> value) =>
            {
                values(ref value);
                RealColumnReader.Check(value, inner.Position, view._name, view._standardisation);
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
