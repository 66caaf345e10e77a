using System.ComponentModel;
using Spectre.Console.Cli;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf export</c>.</summary>
public sealed class ExportSettings : CommandSettings
{
    /// <summary>Worker threads of the kernels (0 = all cores).</summary>
    [CommandOption("--threads <N>")]
    [Description("Worker threads of the matrix kernels (0 = all cores).")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    /// <summary>The model file.</summary>
    [CommandArgument(0, "<MODEL>")]
    [Description("A model file written by 'vpf train' (.vpf).")]
    public string Model { get; init; } = "";

    /// <summary>npz or onnx.</summary>
    [CommandOption("--format <FORMAT>")]
    [Description("npz (NumPy: W0…, b0…, L…) or onnx (the mean-field feature graph: 0–255 pixels in, hidden firing rates out).")]
    [DefaultValue("npz")]
    public string Format { get; init; } = "npz";

    /// <summary>Output path.</summary>
    [CommandOption("--out <FILE>")]
    [Description("Output file; default: the model path with the format's extension.")]
    public string? Out { get; init; }

    /// <summary>Compress the npz.</summary>
    [CommandOption("--compress")]
    [Description("Deflate the npz entries (numpy.savez_compressed).")]
    public bool Compress { get; init; }

    /// <summary>Replace a model or checkpoint at the output.</summary>
    [CommandOption("--overwrite")]
    [Description("Replace the output even when it holds a vpf model file or training checkpoint (refused without this).")]
    public bool Overwrite { get; init; }
}

/// <summary><c>vpf export</c>: writes a model's parameters for other tools.</summary>
internal sealed class ExportCommand : Command<ExportSettings>
{
    public override int Execute(CommandContext context, ExportSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        string format = settings.Format.ToLowerInvariant();
        if (format is not ("npz" or "onnx"))
            throw new UsageException("--format", $"expected npz or onnx; got '{settings.Format}'.");
        ThreadsOption.Apply(settings.Threads);
        string output = settings.Out ?? Path.ChangeExtension(settings.Model, "." + format);
        string[] inputs = [settings.Model];
        OutputPath.Check("--out", output, inputs, OutputKind.Other, settings.Overwrite);
        var model = ModelFile.Load(settings.Model);
        if (format == "npz")
            OutputFile.Write(output, inputs, stream => NpzExport.Write(stream, model, settings.Compress));
        else
            OutputFile.Write(output, inputs, stream => OnnxExport.Write(stream, model));
        cli.Line($"Wrote {output} ({format}, {model.Architecture}).");
        return ExitCodes.Success;
    }
}

/// <summary>ONNX export of the mean-field feature graph (pixels → hidden firing rates) through Vpf.Onnx.</summary>
internal static class OnnxExport
{
    public static void Write(Stream stream, Core.Model.DeepBoltzmannMachine model) => Vpf.Onnx.VpfOnnxExport.Write(model, stream);
}
