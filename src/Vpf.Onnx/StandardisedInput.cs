using System.Globalization;
using Vpf.Core.Data;
using Vpf.Core.Model;

namespace Vpf.Onnx;

/// <summary>
/// The input stage of the graph of a machine with Gaussian visible units (vpf-math.md §9): the raw rows standardised
/// z = (x − mean) / scale with the statistics of the training rows (Sub then Div, the operations and the order of
/// <see cref="Standardisation.Apply(Span{float})"/>, so that the graph's z equals the core's bit for bit), then a check
/// that makes the graph itself refuse a value whose z is NaN or infinite. The check survives saving as the pixel check
/// does (<see cref="PixelRangeGuard"/>): a gather from an empty tensor at the positions of the bad values, so ONNX
/// Runtime fails the run with "idx=p", p being the first bad position, and quotes the node's name, which states the rule.
/// </summary>
/// <remarks>
/// Checking z rather than x also refuses a finite value that overflows when standardised (a huge value over a tiny
/// scale): an infinite z would reach the features as NaN through the matrix product.
/// </remarks>
internal static class StandardisedInput
{
    /// <summary>ONNX TensorProto.DataType.INT64.</summary>
    private const long Int64Type = 7;

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> (parameter <see cref="OnnxExportOptions.Standardisation"/>) when
    /// a standardisation is given for binary visible units or has another number of columns than the visible layer.
    /// </summary>
    public static void Validate(DeepBoltzmannMachine model, OnnxExportOptions options)
    {
        if (options.Standardisation is not { } standardisation) return;
        if (!model.Architecture.HasGaussianVisible)
            throw new ArgumentOutOfRangeException(nameof(OnnxExportOptions.Standardisation),
                $"A standardisation applies to Gaussian visible units; the machine {model.Architecture} has binary visible units (give null).");
        if (standardisation.Dimension != model.LayerSize(0))
            throw new ArgumentOutOfRangeException(nameof(OnnxExportOptions.Standardisation),
                $"The standardisation has {standardisation.Dimension} columns but the machine has {model.LayerSize(0)} visible units.");
    }

    /// <summary>The text ONNX Runtime shows (as the failing node's name) when an input value is refused.</summary>
    public static string Explanation(OnnxExportOptions options) =>
        $"Value check: column '{options.InputName}' has a NaN or infinite value (or one whose standardised value overflows) at position idx; " +
        "expected finite real values (Gaussian visible units)";

    /// <summary>Adds standardisation and check on the graph's input and returns the name of the checked z.</summary>
    public static string Compile(OnnxGraph graph, int visibleUnits, OnnxExportOptions options)
    {
        string z = options.InputName;
        if (options.Standardisation is { } standardisation)
        {
            string mean = graph.Constant("standardise/mean", [visibleUnits], [.. standardisation.Means]);
            string scale = graph.Constant("standardise/scale", [visibleUnits], [.. standardisation.Scales]);
            z = graph.Node("Div", "standardise/z", [graph.Node("Sub", "standardise/centred", [z, mean]), scale]);
        }
        // |z| ≤ the largest float is false exactly for NaN and ±∞.
        string finite = graph.Node("LessOrEqual", "check/finite", [graph.Node("Abs", "check/abs", [z]), graph.Scalar("check/largest", float.MaxValue)]);
        string bad = graph.Node("Not", "check/bad", [finite]);
        string where = graph.Node("NonZero", "check/where", [bad]); // [2, k]: row indices, then positions
        string one = graph.Node("Cast", "check/position_axis", [graph.Scalar("check/one", 1f)], [("to", Int64Type)]);
        string positions = graph.Node("Gather", "check/positions", [where, one], [("axis", 0)]);
        string nothing = graph.Constant("check/nothing", [0], []);
        string probe = graph.Node("Gather", "check/probe", [nothing, positions], [("axis", 0)], Explanation(options));
        string zero = graph.Node("ReduceSum", "check/sum", [probe], [("keepdims", 1)]);
        return graph.Add(z, zero, "checked_input");
    }

    /// <summary>What the graph's documentation string says about its input.</summary>
    public static string Describe(OnnxExportOptions options) => options.Standardisation is { } s
        ? FormattableString.Invariant($"Gaussian visible units, input standardised by the {s.Dimension} column means and scales of the training rows")
        : "Gaussian visible units, input taken as standardised";

    /// <summary>
    /// Null when <paramref name="value"/> at <paramref name="position"/> is accepted (it and its standardised value are
    /// finite); otherwise why not, in words ("has NaN at position 3; …"), for the in-process checks that name the row.
    /// </summary>
    public static string? Problem(float value, int position, Standardisation? standardisation)
    {
        string shown = value.ToString(CultureInfo.InvariantCulture);
        if (!float.IsFinite(value))
            return $"has {shown} at position {position}; real values (Gaussian visible units) must be finite";
        if (standardisation is null) return null;
        float z = (value - standardisation.Means[position]) / standardisation.Scales[position];
        return float.IsFinite(z)
            ? null
            : $"has {shown} at position {position}, whose standardised value (x − {standardisation.Means[position].ToString(CultureInfo.InvariantCulture)}) / " +
              $"{standardisation.Scales[position].ToString(CultureInfo.InvariantCulture)} overflows; real values (Gaussian visible units) must standardise to finite values";
    }
}
