using Vpf.Core.Model;
using Vpf.Core.Persistence;

namespace Vpf.Onnx;

/// <summary>
/// Writes a trained machine's feature extractor — binarisation and unrolled mean-field inference — as a standalone
/// ONNX model (IR 8, opset 17, operators GreaterOrEqual, LessOrEqual, And, Not, NonZero, Gather, ReduceSum, Cast,
/// MatMul, Transpose, Add, Mul, Sigmoid, Concat) that any ONNX runtime can execute. The graph refuses (fails the run)
/// when an input value is NaN, infinite or outside [0, MaxIntensity] ([0, 1] when it neither binarises nor scales), and
/// the file carries the SHA-256 of its graph and weights in its metadata, checked by <see cref="Verify"/>. Input: float [batch, visible units]; output: float [batch, Σ sizes of the chosen layers],
/// the same rates as <see cref="Vpf.Core.Inference.MeanFieldSweep.Infer"/> up to rounding. For a machine with Gaussian
/// visible units the graph standardises its input instead of binarising it (<see cref="OnnxExportOptions.Standardisation"/>; operators Sub,
/// Div, Abs) and refuses a value whose standardised value is NaN or infinite.
/// </summary>
public static class VpfOnnxExport
{
    /// <summary>
    /// Writes the ONNX model for <paramref name="model"/> to the file <paramref name="path"/>, atomically: the graph is
    /// built in memory, written to a temporary file in the target's folder, flushed to disk and renamed over the target,
    /// so a failure (full disk, kill, unreplaceable target) leaves a file that was there unchanged. Only a regular file
    /// is replaced; a symbolic link, directory or device at <paramref name="path"/> is refused.
    /// </summary>
    /// <param name="model">The trained machine (at least one hidden layer).</param>
    /// <param name="path">The file to write; its folder must exist.</param>
    /// <param name="options">What the graph computes; null for the defaults (top layer, 10 sweeps, threshold 0.5 of 255).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range for this model; nothing is written.</exception>
    /// <exception cref="FileWriteException">The file cannot be written or replaced (the message names it); the old file is unchanged.</exception>
    public static void Write(DeepBoltzmannMachine model, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Compiled before the file is touched, so an option error leaves no trace.
        byte[] bytes = ToBytes(model, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Writes the ONNX model for <paramref name="model"/> to <paramref name="destination"/>.</summary>
    /// <param name="model">The trained machine (at least one hidden layer).</param>
    /// <param name="destination">A writable stream; it is not closed.</param>
    /// <param name="options">What the graph computes; null for the defaults.</param>
    public static void Write(DeepBoltzmannMachine model, Stream destination, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new OnnxExportOptions();
        var graph = MeanFieldGraphCompiler.Compile(model, options);
        using var buffer = new MemoryStream();
        OnnxModelSerializer.Write(graph, buffer, Describe(model, options));
        destination.Write(OnnxIntegrity.Seal(buffer.ToArray()));
    }

    /// <summary>
    /// Throws unless the ONNX file <paramref name="path"/> is intact: a model written by this class carries the SHA-256
    /// of its graph and weights in its metadata (key <c>vpf.sha256</c>), checked here; a file without that checksum (another
    /// producer's model, or one damaged where the checksum is found) is refused.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is damaged or changed since it was written (the message names the file and what differs).</exception>
    /// <exception cref="IOException">The file cannot be read (the message names it).</exception>
    public static void Verify(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"ONNX file '{path}' cannot be read: {e.Message}", e);
        }
        if (OnnxIntegrity.Problem(bytes, requireChecksum: true) is { } problem)
            throw new InvalidDataException($"ONNX file '{path}' is damaged: {problem}.");
    }

    /// <summary>The ONNX model for <paramref name="model"/> as bytes.</summary>
    /// <param name="model">The trained machine (at least one hidden layer).</param>
    /// <param name="options">What the graph computes; null for the defaults.</param>
    public static byte[] ToBytes(DeepBoltzmannMachine model, OnnxExportOptions? options = null)
    {
        using var buffer = new MemoryStream();
        Write(model, buffer, options);
        return buffer.ToArray();
    }

    /// <summary>Width of the output for <paramref name="model"/>: the summed sizes of the layers the options choose.</summary>
    public static int OutputWidth(DeepBoltzmannMachine model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var layers = OutputLayerList.Resolve(options?.OutputLayers, model.LayerCount, nameof(OnnxExportOptions.OutputLayers));
        return OutputLayerList.Width(layers, model.Architecture.LayerSizes);
    }

    private static string Describe(DeepBoltzmannMachine model, OnnxExportOptions options)
    {
        var layers = OutputLayerList.Resolve(options.OutputLayers, model.LayerCount, nameof(options.OutputLayers));
        string binarise = model.Architecture.HasGaussianVisible ? StandardisedInput.Describe(options)
            : options.Binarise ? $"binarised at intensity >= {options.ThresholdIntensity}" : "not binarised";
        return FormattableString.Invariant(
            $"VPF mean-field features of a {model.Architecture} Boltzmann machine: input {binarise}, {options.MeanFieldSweeps} sweeps, damping {options.Damping}, output layers {string.Join(",", layers)}.");
    }
}
