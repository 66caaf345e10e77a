using System.Globalization;

namespace Vpf.Onnx;

/// <summary>
/// Makes the graph itself refuse a NaN, infinite or out-of-range input value, so that the check survives saving: a
/// pipeline reloaded with <c>mlContext.Model.Load</c> holds ML.NET's plain ONNX transformer and none of this library's
/// code, yet a NaN would otherwise binarise to "off" and 256 or −1 give finite features without a word.
/// </summary>
/// <remarks>
/// ONNX has no assertion operator, so the check is a gather from an empty tensor at the indices of the bad pixels
/// (NonZero of the out-of-range mask, pixel axis): with no bad pixel there is nothing to gather; with one, ONNX
/// Runtime stops the run with "indices element out of data bounds, idx=p", p being the first bad pixel, and quotes
/// the node's name, which states the rule and the input. The (empty) result is summed to 0 and added to the input, so
/// every feature depends on the check and no optimiser can drop it; x + 0 is x for every accepted value.
/// </remarks>
internal static class PixelRangeGuard
{
    /// <summary>ONNX TensorProto.DataType.INT64.</summary>
    private const long Int64Type = 7;

    /// <summary>The largest value the graph accepts: the maximum intensity when it binarises or scales its input, else 1 (rates).</summary>
    public static float UpperBound(OnnxExportOptions options) => options.Binarise || options.GreyLevels ? options.MaxIntensity : 1f;

    /// <summary>The text ONNX Runtime shows (as the failing node's name) when an input value is refused.</summary>
    public static string Explanation(OnnxExportOptions options)
    {
        string max = UpperBound(options).ToString(CultureInfo.InvariantCulture);
        return $"Pixel check: column '{options.InputName}' has a NaN, infinite or out-of-range value at pixel idx; " +
            $"expected intensities in [0, {max}] ({(options.Binarise || options.GreyLevels ? "MaxIntensity" : "rates")})";
    }

    /// <summary>Adds the check on the graph's input and returns the name of the checked input (equal to it in value).</summary>
    public static string Guard(OnnxGraph graph, OnnxExportOptions options)
    {
        string x = options.InputName;
        string atLeastZero = graph.Node("GreaterOrEqual", "check/at_least_0", [x, graph.Scalar("check/zero", 0f)]);
        string atMostMax = graph.Node("LessOrEqual", "check/at_most_max", [x, graph.Scalar("check/max", UpperBound(options))]);
        string bad = graph.Node("Not", "check/bad", [graph.Node("And", "check/in_range", [atLeastZero, atMostMax])]);
        string where = graph.Node("NonZero", "check/where", [bad]); // [2, k]: row indices, then pixel indices
        string one = graph.Node("Cast", "check/pixel_axis", [graph.Scalar("check/one", 1f)], [("to", Int64Type)]);
        string pixels = graph.Node("Gather", "check/pixels", [where, one], [("axis", 0)]);
        string nothing = graph.Constant("check/nothing", [0], []);
        string probe = graph.Node("Gather", "check/probe", [nothing, pixels], [("axis", 0)], Explanation(options));
        string zero = graph.Node("ReduceSum", "check/sum", [probe], [("keepdims", 1)]);
        return graph.Add(x, zero, "checked_input");
    }
}
