namespace Vpf.Onnx;

/// <summary>
/// The small ONNX graph that carries the ML.NET featurizer's pixel check through <c>mlContext.Model.Save</c> and
/// <c>Load</c>: it passes the pixel column through unchanged (<see cref="PixelsOutput"/>) and states, as a constant,
/// the largest accepted intensity and the column's name (<see cref="ConfigOutput"/>: the bound, then the name's UTF-16
/// code units). ML.NET's persistence cannot carry a third-party transformer's settings, but it carries ONNX graphs; a
/// custom mapping of the featurizer's assembly reads both outputs and refuses a bad pixel naming the column, the pixel
/// and the value, and the main graph waits for it through its gate input (<see cref="OnnxExportOptions.GateInput"/>).
/// </summary>
internal static class PixelCheckGraph
{
    /// <summary>Output: the pixel column, unchanged.</summary>
    public const string PixelsOutput = "vpf_pixel_check_pixels";

    /// <summary>Output: [upper bound, code units of the column name].</summary>
    public const string ConfigOutput = "vpf_pixel_check_config";

    /// <summary>The sealed (checksummed) ONNX model for the pixel column of <paramref name="options"/> with <paramref name="width"/> values.</summary>
    public static byte[] ToBytes(OnnxExportOptions options, int width)
    {
        var graph = new OnnxGraph("vpf_pixel_check", options.InputName, width);
        float[] config = [PixelRangeGuard.UpperBound(options), .. options.InputName.Select(c => (float)c)];
        string constant = graph.Constant("config", [1, config.Length], config);
        graph.SetOutput(PixelsOutput, [graph.InputName], width);
        graph.AddOutput(ConfigOutput, constant, config.Length);
        using var buffer = new MemoryStream();
        OnnxModelSerializer.Write(graph, buffer, $"Pixel check of column '{options.InputName}': values in [0, {config[0]}].");
        return OnnxIntegrity.Seal(buffer.ToArray());
    }

    /// <summary>The bound and column name encoded by <see cref="ToBytes"/>, from the values of <see cref="ConfigOutput"/>.</summary>
    public static (float Max, string Column) Decode(ReadOnlySpan<float> config) =>
        config.Length == 0 ? (float.NaN, "?") : (config[0], new string([.. config[1..].ToArray().Select(c => (char)c)]));
}
