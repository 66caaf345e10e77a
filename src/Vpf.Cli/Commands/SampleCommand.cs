using System.ComponentModel;
using Spectre.Console.Cli;
using Vpf.Cli.Reporting;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf sample</c>.</summary>
public sealed class SampleSettings : CommandSettings
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

    /// <summary>Number of samples.</summary>
    [CommandOption("--count <N>")]
    [Description("Samples to draw (independent chains).")]
    [DefaultValue(64)]
    public int Count { get; init; } = 64;

    /// <summary>Gibbs sweeps.</summary>
    [CommandOption("--sweeps <N>")]
    [Description("Gibbs sweeps per chain (layers with lateral weights are updated unit by unit).")]
    [DefaultValue(1000)]
    public int Sweeps { get; init; } = 1000;

    /// <summary>Seed.</summary>
    [CommandOption("--seed <N>")]
    [Description("Seed of the chains.")]
    [DefaultValue(1)]
    public int Seed { get; init; } = 1;

    /// <summary>Image shape.</summary>
    [CommandOption("--shape <ROWSxCOLUMNS>")]
    [Description("Image shape for the PNG grid; default: square when the visible size is a square number.")]
    public string? Shape { get; init; }

    /// <summary>Output.</summary>
    [CommandOption("--out <FILE>")]
    [Description("PNG file with the samples in a grid.")]
    [DefaultValue("samples.png")]
    public string Out { get; init; } = "samples.png";

    /// <summary>Replace a model or checkpoint at the output.</summary>
    [CommandOption("--overwrite")]
    [Description("Replace the output even when it holds a vpf model file or training checkpoint (refused without this).")]
    public bool Overwrite { get; init; }
}

/// <summary><c>vpf sample</c>: draws samples by Gibbs sampling (Vpf.Core's <see cref="Core.Sampling.GibbsSampler"/>) and writes them as a PNG grid.</summary>
internal sealed class SampleCommand : Command<SampleSettings>
{
    public override int Execute(CommandContext context, SampleSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        ThreadsOption.Apply(settings.Threads);
        string[] inputs = [settings.Model];
        OutputPath.Check("--out", settings.Out, inputs, OutputKind.Other, settings.Overwrite);
        if (settings.Count < 1) throw new UsageException("--count", $"must be ≥ 1; got {settings.Count}.");
        if (settings.Sweeps < 1) throw new UsageException("--sweeps", $"must be ≥ 1; got {settings.Sweeps}.");
        var model = Core.Persistence.ModelFile.Load(settings.Model);
        CountLimits.Check("--count", settings.Count, model.Architecture.LayerSizes.Sum(n => (long)n));
        var (h, w) = Shapes.Parse(settings.Shape, model.LayerSize(0));
        int d = model.LayerSize(0);
        var samples = ProgressDisplay.Track(cli, "sampling", settings.Sweeps,
            p => ModelSamples.Draw(model, settings.Count, settings.Sweeps, settings.Seed, s => p.Report(s)));
        Png.WriteGrid(settings.Out, inputs, Enumerable.Range(0, settings.Count).Select(r => samples.AsSpan(r * d, d).ToArray()).ToList(), h, w, 8);
        cli.Line($"Wrote {settings.Count} samples ({settings.Sweeps} Gibbs sweeps, visible probabilities of the last) to {settings.Out}.");
        return ExitCodes.Success;
    }
}

/// <summary>Image shapes from <c>--shape</c> or the visible size.</summary>
internal static class Shapes
{
    public static (int Rows, int Columns) Parse(string? shape, int dimension)
    {
        if (shape is null)
        {
            int side = (int)Math.Round(Math.Sqrt(dimension));
            return side * side == dimension ? (side, side) : (1, dimension);
        }
        var parts = shape.ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int r) || !int.TryParse(parts[1], out int c) || r < 1 || c < 1 || r * c != dimension)
            throw new UsageException("--shape", $"expected ROWSxCOLUMNS with ROWS × COLUMNS = {dimension}; got '{shape}'.");
        return (r, c);
    }
}
