using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Data;

namespace Vpf.ML;

/// <summary>
/// ML.NET's ONNX transformer for a compiled machine, with the pixel-column rule (<see cref="PixelColumn"/>, including
/// the model's size) checked before every call is handed to it. ML.NET's own check lets a column of a multiple of the
/// model's width through and fails while reading rows with "Length of memory (128) must match product of dimensions
/// (64)", naming no column; this check fails first, naming the column, the expected type and the one found.
/// </summary>
/// <remarks>
/// <see cref="ICanSaveModel.Save"/> is the ONNX transformer's own, so a saved model holds (and loads as) the plain
/// ML.NET ONNX transformer: persistence needs no code from this assembly, and after loading, size mismatches are
/// reported by ML.NET's message.
/// </remarks>
internal sealed class CheckedOnnxTransformer : ITransformer, IDisposable
{
    private readonly ITransformer _onnx;
    private readonly string _inputColumnName;
    private readonly int _visibleUnits;
    private readonly float _maxIntensity;
    private readonly Standardisation? _standardisation;

    // standardisation: for Gaussian visible units, the input's; values are then checked to be finite instead of in [0, max].
    public CheckedOnnxTransformer(ITransformer onnx, string inputColumnName, int visibleUnits, float maxIntensity = float.PositiveInfinity,
        Standardisation? standardisation = null)
    {
        _standardisation = standardisation;
        _onnx = onnx;
        _inputColumnName = inputColumnName;
        _visibleUnits = visibleUnits;
        _maxIntensity = maxIntensity;
    }

    /// <summary>The ML.NET transformer that does the work.</summary>
    public ITransformer Onnx => _onnx;

    public bool IsRowToRowMapper => _onnx.IsRowToRowMapper;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        Check(inputSchema, nameof(inputSchema));
        return _onnx.GetOutputSchema(inputSchema);
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        Check(inputSchema, nameof(inputSchema));
        return _onnx.GetRowToRowMapper(inputSchema);
    }

    public IDataView Transform(IDataView input)
    {
        var column = PixelColumn.Validate(input.Schema, _inputColumnName, _visibleUnits, nameof(input));
        if (_standardisation is not null) return _onnx.Transform(new RealValueView(input, column, _standardisation));
        return _onnx.Transform(new PixelRangeView(input, column, _maxIntensity));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => _onnx.Save(ctx);

    public void Dispose() => (_onnx as IDisposable)?.Dispose();

    private void Check(DataViewSchema schema, string parameterName) =>
        PixelColumn.Validate(schema, _inputColumnName, _visibleUnits, parameterName);
}
