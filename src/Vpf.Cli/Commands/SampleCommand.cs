using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
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

    /// <summary>Output; null: samples.png, or samples.csv for a model of a table.</summary>
    [CommandOption("--out <FILE>")]
    [Description("PNG file with the samples in a grid, or with a .csv name a CSV table of their values. Default: samples.png, or samples.csv for a model trained on a table (--data-csv).")]
    public string? Out { get; init; }

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
        if (settings.Out is not null) OutputPath.Check("--out", settings.Out, inputs, OutputKind.Other, settings.Overwrite);
        if (settings.Count < 1) throw new UsageException("--count", $"must be ≥ 1; got {settings.Count}.");
        if (settings.Sweeps < 1) throw new UsageException("--sweeps", $"must be ≥ 1; got {settings.Sweeps}.");
        var (model, info) = Core.Persistence.ModelFile.LoadWithInfo(settings.Model);
        CountLimits.Check("--count", settings.Count, model.Architecture.LayerSizes.Sum(n => (long)n));
        int d = model.LayerSize(0);
        // A model of a table (its columns recorded at training) has no picture: its samples are rows of values.
        var columns = info.Notes.TryGetValue(TrainingRun.ColumnsNote, out var json) ? JsonSerializer.Deserialize<string[]>(json) : null;
        string output = settings.Out ?? (columns is not null && settings.Shape is null ? "samples.csv" : "samples.png");
        if (settings.Out is null) OutputPath.Check("--out", output, inputs, OutputKind.Other, settings.Overwrite);
        bool table = CsvOutput.Wanted(output);
        var (h, w) = table ? (1, d) : Shapes.Parse(settings.Shape ?? info.Notes.GetValueOrDefault(TrainingRun.ShapeNote), d);
        var samples = ProgressDisplay.Track(cli, "sampling", settings.Sweeps,
            p => ModelSamples.Draw(model, settings.Count, settings.Sweeps, settings.Seed, s => p.Report(s)));
        // Gaussian visible units work on standardised values: back to the data's scale (grey levels for images).
        info.Standardisation?.Invert(samples);
        var rows = Enumerable.Range(0, settings.Count).Select(r => samples.AsSpan(r * d, d).ToArray()).ToList();
        string what = model.Architecture.HasGaussianVisible
            ? "visible means b + W h of the last" + (info.Standardisation is null ? "" : ", mapped back from the standardised scale")
            : "visible probabilities of the last";
        if (table)
            CsvOutput.Write(output, inputs, ["sample"], rows.Select((_, r) => new[] { (r + 1).ToString(CultureInfo.InvariantCulture) }).ToList(),
                CsvOutput.Columns(columns, d), rows);
        else
            Png.WriteGrid(output, inputs, rows, h, w, 8);
        cli.Line($"Wrote {settings.Count} samples ({settings.Sweeps} Gibbs sweeps, {what}) to {output}.");
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
