using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Onnx;

namespace Vpf.ML;

/// <summary>
/// In-process, batched scoring of VPF features: the same computation as the ONNX transformer that
/// <see cref="VpfFeaturizerEstimator.Fit"/> returns, run by the core's <see cref="MeanFieldSweep.Infer"/> on blocks of
/// rows instead of one ONNX Runtime call per row. The result is a lazily computed <see cref="IDataView"/>, not a
/// transformer: it cannot be part of a saved model. Use it for bulk scoring in the process that holds the machine;
/// use the fitted transformer for anything that must be saved.
/// </summary>
public static class VpfFeatureScoring
{
    /// <summary>Rows scored per call of <see cref="MeanFieldSweep.Infer"/>.</summary>
    public const int DefaultBatchSize = 1024;

    /// <summary>
    /// <paramref name="input"/> with a column <paramref name="outputColumnName"/> (a known-size vector of Single) added:
    /// the rates of the layers chosen by <paramref name="options"/>, computed block by block when a cursor reads it.
    /// </summary>
    /// <param name="model">The trained machine.</param>
    /// <param name="input">Data with a pixel column of as many items as the model has visible units.</param>
    /// <param name="outputColumnName">The new column (it hides an input column of the same name).</param>
    /// <param name="inputColumnName">The pixel column, a known-size vector of Single.</param>
    /// <param name="options">Sweeps, damping, output layers and binarisation (the names in it are not used); null for the defaults.</param>
    /// <param name="batchSize">Rows per block; ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">The pixel column is missing or of the wrong type or size, or an option is out of range.</exception>
    /// <remarks>
    /// Reading the features throws <see cref="InvalidOperationException"/> naming the row, column, pixel and value when
    /// an intensity is NaN, infinite or outside [0, MaxIntensity] ([0, 1] when the options neither binarise nor scale),
    /// as the fitted transformer does. For a machine with Gaussian visible units the rows are standardised with
    /// <see cref="OnnxExportOptions.Standardisation"/> (null: taken as already standardised) instead of binarised, and a
    /// value that is NaN or infinite, or whose standardised value is, is refused the same way (row, column, position, value).
    /// </remarks>
    public static IDataView Transform(DeepBoltzmannMachine model, IDataView input, string outputColumnName, string inputColumnName,
        OnnxExportOptions? options = null, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentException.ThrowIfNullOrEmpty(inputColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        options ??= new OnnxExportOptions();
        options.Validate(model.LayerCount);
        StandardisedInput.Validate(model, options);
        var pixels = PixelColumn.Validate(input.Schema, inputColumnName, model.LayerSize(0), nameof(input));
        var layers = OutputLayerList.Resolve(options.OutputLayers, model.LayerCount, nameof(options.OutputLayers));
        return new FeatureDataView(model, input, pixels, outputColumnName, options, layers, batchSize);
    }

    /// <summary>The input's columns plus the features, computed a block at a time by a second cursor that reads ahead.</summary>
    private sealed class FeatureDataView : IDataView
    {
        private readonly DeepBoltzmannMachine _model;
        private readonly IDataView _input;
        private readonly DataViewSchema.Column _pixels;
        private readonly OnnxExportOptions _options;
        private readonly int[] _layers;
        private readonly int _batchSize;

        public FeatureDataView(DeepBoltzmannMachine model, IDataView input, DataViewSchema.Column pixels, string outputColumnName,
            OnnxExportOptions options, int[] layers, int batchSize)
        {
            _model = model;
            _input = input;
            _pixels = pixels;
            _options = options;
            _layers = layers;
            _batchSize = batchSize;
            Width = OutputLayerList.Width(layers, model.Architecture.LayerSizes);
            var builder = new DataViewSchema.Builder();
            builder.AddColumns(input.Schema);
            builder.AddColumn(outputColumnName, new VectorDataViewType(NumberDataViewType.Single, Width));
            Schema = builder.ToSchema();
        }

        public int Width { get; }

        public bool CanShuffle => false;

        public DataViewSchema Schema { get; }

        public long? GetRowCount() => _input.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        {
            var needed = columnsNeeded.ToList();
            bool features = needed.Any(c => c.Index == _input.Schema.Count);
            var inputColumns = needed.Where(c => c.Index < _input.Schema.Count).Select(c => _input.Schema[c.Index]);
            return new Cursor(this, _input.GetRowCursor(inputColumns), features ? _input.GetRowCursor([_pixels]) : null);
        }

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            [GetRowCursor(columnsNeeded, rand)];

        /// <summary>Binarises <paramref name="rows"/> rows of pixels and writes their features into <paramref name="features"/>.</summary>
        public void Score(float[] pixels, int rows, float[] features)
        {
            int n0 = _model.LayerSize(0);
            var visible = pixels.AsSpan(0, rows * n0);
            if (_model.Architecture.HasGaussianVisible) _options.Standardisation?.Apply(visible);
            else if (_options.GreyLevels)
            {
                float scale = 1f / _options.MaxIntensity;
                foreach (ref float x in visible) x = Math.Min(Math.Max(x * scale, 0f), 1f);
            }
            else if (_options.Binarise)
            {
                float threshold = _options.ThresholdIntensity;
                foreach (ref float x in visible) x = x >= threshold ? 1f : 0f;
            }
            var rates = MeanFieldSweep.Infer(_model, visible, rows, _options.MeanFieldSweeps, _options.Damping);
            for (int r = 0; r < rows; r++)
            {
                int offset = r * Width;
                foreach (int l in _layers)
                {
                    int n = _model.LayerSize(l);
                    rates[l].AsSpan(r * n, n).CopyTo(features.AsSpan(offset, n));
                    offset += n;
                }
            }
        }

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly FeatureDataView _parent;
            private readonly DataViewRowCursor _rows;
            private readonly DataViewRowCursor? _ahead;
            private readonly ValueGetter<VBuffer<float>>? _pixelGetter;
            private readonly float[] _pixels = [];
            private readonly float[] _features = [];
            private int _inBatch, _batchRows;
            private long _position = -1, _aheadRow;

            public Cursor(FeatureDataView parent, DataViewRowCursor rows, DataViewRowCursor? ahead)
            {
                _parent = parent;
                _rows = rows;
                _ahead = ahead;
                if (ahead is not null)
                {
                    _pixelGetter = ahead.GetGetter<VBuffer<float>>(parent._pixels);
                    _pixels = new float[parent._batchSize * parent._model.LayerSize(0)];
                    _features = new float[parent._batchSize * parent.Width];
                }
            }

            public override long Position => _position;

            public override long Batch => _rows.Batch;

            public override DataViewSchema Schema => _parent.Schema;

            public override bool IsColumnActive(DataViewSchema.Column column) =>
                column.Index == _parent._input.Schema.Count ? _ahead is not null : _rows.IsColumnActive(_parent._input.Schema[column.Index]);

            public override bool MoveNext()
            {
                if (!_rows.MoveNext()) return false;
                _position++;
                if (_ahead is not null && ++_inBatch >= _batchRows) FillBatch();
                return true;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (column.Index != _parent._input.Schema.Count)
                    return _rows.GetGetter<TValue>(_parent._input.Schema[column.Index]);
                if (_ahead is null) throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
                if (typeof(TValue) != typeof(VBuffer<float>))
                    throw new InvalidOperationException($"Column '{column.Name}' is a vector of Single; asked for {typeof(TValue)}.");
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    int width = _parent.Width;
                    var editor = VBufferEditor.Create(ref value, width);
                    _features.AsSpan(_inBatch * width, width).CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(Delegate)getter;
            }

            public override ValueGetter<DataViewRowId> GetIdGetter() => _rows.GetIdGetter();

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                {
                    _rows.Dispose();
                    _ahead?.Dispose();
                }
                base.Dispose(disposing);
            }

            /// <summary>Reads the next block of pixels with the cursor that runs ahead and scores it.</summary>
            private void FillBatch()
            {
                int n0 = _parent._model.LayerSize(0), rows = 0;
                VBuffer<float> buffer = default;
                while (rows < _parent._batchSize && _ahead!.MoveNext())
                {
                    _pixelGetter!(ref buffer);
                    // The same rule as the fitted transformer and its graph: NaN or an out-of-range intensity would
                    // otherwise be binarised (or clipped) into features without a word.
                    if (_parent._model.Architecture.HasGaussianVisible)
                        RealColumnReader.Check(buffer, _aheadRow++, _parent._pixels.Name, _parent._options.Standardisation);
                    else
                        PixelRangeView.Check(buffer, _aheadRow++, _parent._pixels.Name, PixelRangeGuard.UpperBound(_parent._options));
                    buffer.CopyTo(_pixels.AsSpan(rows * n0, n0));
                    rows++;
                }
                if (rows == 0) throw new InvalidOperationException("The input yielded fewer rows to the read-ahead cursor than to the row cursor.");
                _parent.Score(_pixels, rows, _features);
                _batchRows = rows;
                _inBatch = 0;
            }
        }
    }
}
