using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Data;

namespace Vpf.ML;

/// <summary>
/// The fitted featurizer: ML.NET transformers for a compiled machine (the pixel check and the feature graph, see
/// <see cref="VpfFeaturizerEstimator.Fit"/>), with the pixel-column rule (<see cref="PixelColumn"/>, including the
/// model's size) checked before every call is handed to them, and every pixel read checked by <see cref="PixelRangeView"/>.
/// ML.NET's own check lets a column of a multiple of the model's width through and fails while reading rows with
/// "Length of memory (128) must match product of dimensions (64)", naming no column; this check fails first, naming
/// the column, the expected type and the one found.
/// </summary>
/// <remarks>
/// <see cref="ICanSaveModel.Save"/> saves the wrapped chain as it is: ML.NET's ONNX transformers, its column removal and
/// the custom mapping of <see cref="PixelCheckMapping"/>, which ML.NET loads again by itself (it records this assembly's
/// name), so a reloaded pipeline refuses a bad pixel with the same message; after loading, size mismatches are reported
/// by ML.NET's message.
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

    /// <summary>The ML.NET transformers that do the work (a chain).</summary>
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
