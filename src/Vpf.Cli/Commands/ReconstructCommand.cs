using System.ComponentModel;
using Spectre.Console.Cli;
using Vpf.Cli.Reporting;
using Vpf.Core.Data;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf reconstruct</c>.</summary>
public sealed class ReconstructSettings : ModelSettings
{
    /// <summary>Images shown.</summary>
    [CommandOption("--count <N>")]
    [Description("Held-out images to corrupt and reconstruct.")]
    [DefaultValue(8)]
    public int Count { get; init; } = 8;

    /// <summary>Output; null: reconstructions.png, or reconstructions.csv for a table (--data-csv).</summary>
    [CommandOption("--out <FILE>")]
    [Description("PNG file: per image, clean | flipped pixels | reconstruction | bottom half hidden | reconstruction. A .csv name, or data that are not images (--data-csv), give a CSV table of the values instead. Default: reconstructions.png, or reconstructions.csv with --data-csv.")]
    public string? Out { get; init; }

    /// <summary>Replace a model or checkpoint at the output.</summary>
    [CommandOption("--overwrite")]
    [Description("Replace the output even when it holds a vpf model file or training checkpoint (refused without this).")]
    public bool Overwrite { get; init; }
}

/// <summary><c>vpf reconstruct</c>: corrupts held-out images and reconstructs them by mean field.</summary>
internal sealed class ReconstructCommand : Command<ReconstructSettings>
{
    private static Dataset Subset(Dataset data, int count) => data switch
    {
        BinaryDataset b => b.Subset(0, count),
        RealDataset r => r.Subset(0, count),
        _ => throw new InvalidOperationException($"Unknown kind of data set {data.GetType().Name}."),
    };

    public override int Execute(CommandContext context, ReconstructSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        settings.Apply();
        string[] inputs = [settings.Model, .. DataInputs.For(settings)];
        string output = settings.Out ?? (settings.DataCsv is not null ? "reconstructions.csv" : "reconstructions.png");
        OutputPath.Check("--out", output, inputs, OutputKind.Other, settings.Overwrite);
        if (settings.Count < 1) throw new UsageException("--count", $"must be ≥ 1; got {settings.Count}.");
        var (model, info) = settings.LoadModel();
        var data = ModelSettings.DataFor(settings, model, info, settings.Model);
        var built = ReportBuilder.Examples(model, data with { Test = Subset(data.Test, Math.Min(settings.Count, data.Test.Count)) }, settings.Seed, settings.Count);
        int d = model.LayerSize(0), rows = built[0].Rows;
        // Shown on the data's own scale: grey levels (or table values) rather than standardised ones.
        float[] Shown(float[] values, int r)
        {
            var row = values.AsSpan(r * d, d).ToArray();
            data.Standardisation?.Invert(row);
            return row;
        }
        var tiles = new List<float[]>();
        var keys = new List<string[]>();
        for (int r = 0; r < rows; r++)
        {
            tiles.Add(Shown(built[0].Clean, r));
            keys.Add([(r + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "", "clean"]);
            foreach (var e in built)
            {
                tiles.Add(Shown(e.Corrupted, r));
                keys.Add([keys[^1][0], e.Corruption, "corrupted"]);
                tiles.Add(Shown(e.Reconstructed, r));
                keys.Add([keys[^1][0], e.Corruption, "reconstructed"]);
            }
        }
        if (CsvOutput.Wanted(output) || !data.AreImages)
        {
            CsvOutput.Write(output, inputs, ["row", "corruption", "version"], keys, CsvOutput.Columns(data.Columns, d), tiles);
            cli.Line($"Wrote {rows} rows × ({string.Join("; ", built.Select(b => b.Corruption))}) as CSV values to {output}.");
            return ExitCodes.Success;
        }
        var (h, w) = (data.Test.ImageRows, data.Test.ImageColumns);
        Png.WriteGrid(output, inputs, tiles, h, w, 1 + 2 * built.Count);
        cli.Line($"Wrote {rows} images × ({string.Join("; ", built.Select(b => b.Corruption))}) to {output}.");
        return ExitCodes.Success;
    }
}
