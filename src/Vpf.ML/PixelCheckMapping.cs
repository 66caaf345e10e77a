using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Vpf.Onnx;

namespace Vpf.ML;

/// <summary>
/// The pixel check of a saved featurizer, as an ML.NET custom mapping: ML.NET saves its contract name and the name of
/// this assembly, and <c>mlContext.Model.Load</c> loads the assembly by that name and finds this factory again, in any
/// process that can load Vpf.ML, without any registration by the caller. It reads the pixels and the check's settings
/// (bound and column name) from the small graph of <see cref="PixelCheckGraph"/> and refuses a NaN, infinite or
/// out-of-range value with the featurizer's own message, naming the row (its index among the rows read through the
/// cursor), the column, the pixel and the value; for an accepted row it outputs the gate 0 that the feature graph adds
/// to its input, so the feature graph runs only after the check.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
internal sealed class PixelCheckMapping : CustomMappingFactory<PixelCheckMapping.Source, PixelCheckMapping.Gate>
{
    /// <summary>The contract name ML.NET saves with the mapping.</summary>
    public const string ContractName = "Vpf.ML.PixelCheck";

    /// <summary>The mapping's output column, the feature graph's second input.</summary>
    public const string GateColumn = "vpf_pixel_check_gate";

    /// <inheritdoc />
    public override Action<Source, Gate> GetMapping() => Check;

    private static void Check(Source source, Gate gate)
    {
        long row = source.RowsSeen++;
        var values = source.Pixels ?? [];
        var config = source.Config ?? [];
        float max = config.Length > 0 ? config[0] : float.NaN; // no settings: every value is refused
        for (int k = 0; k < values.Length; k++)
        {
            float value = values[k];
            if (value >= 0f && value <= max) continue;
            var (_, column) = PixelCheckGraph.Decode(config);
            throw PixelRangeView.Refusal($"Row {row} of column '{column}'", value, k, max);
        }
        gate.Value = 0f;
    }

    /// <summary>What the mapping reads.</summary>
    internal sealed class Source
    {
        /// <summary>The pixel column, passed through the check graph.</summary>
        [ColumnName(PixelCheckGraph.PixelsOutput)]
        public float[]? Pixels { get; set; }

        /// <summary>The bound and the column name (<see cref="PixelCheckGraph.Decode"/>).</summary>
        [ColumnName(PixelCheckGraph.ConfigOutput)]
        public float[]? Config { get; set; }

        /// <summary>
        /// Rows this cursor has mapped: ML.NET makes one source object per cursor and maps a row once, when its
        /// features are read, so this is the row's index among the rows read (the row number before saving).
        /// </summary>
        [NoColumn]
        public long RowsSeen { get; set; }
    }

    /// <summary>What the mapping writes.</summary>
    internal sealed class Gate
    {
        /// <summary>0 for an accepted row.</summary>
        [ColumnName(GateColumn)]
        public float Value { get; set; }
    }
}
