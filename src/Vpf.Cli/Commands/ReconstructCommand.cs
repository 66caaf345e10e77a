using System.ComponentModel;
using Spectre.Console.Cli;
using Vpf.Cli.Reporting;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf reconstruct</c>.</summary>
public sealed class ReconstructSettings : ModelSettings
{
    /// <summary>Images shown.</summary>
    [CommandOption("--count <N>")]
    [Description("Held-out images to corrupt and reconstruct.")]
    [DefaultValue(8)]
    public int Count { get; init; } = 8;

    /// <summary>Output.</summary>
    [CommandOption("--out <FILE>")]
    [Description("PNG file: per image, clean | flipped pixels | reconstruction | bottom half hidden | reconstruction.")]
    [DefaultValue("reconstructions.png")]
    public string Out { get; init; } = "reconstructions.png";

    /// <summary>Replace a model or checkpoint at the output.</summary>
    [CommandOption("--overwrite")]
    [Description("Replace the output even when it holds a vpf model file or training checkpoint (refused without this).")]
    public bool Overwrite { get; init; }
}

/// <summary><c>vpf reconstruct</c>: corrupts held-out images and reconstructs them by mean field.</summary>
internal sealed class ReconstructCommand : Command<ReconstructSettings>
{
    public override int Execute(CommandContext context, ReconstructSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        settings.Apply();
        string[] inputs = [settings.Model, .. DataInputs.For(settings)];
        OutputPath.Check("--out", settings.Out, inputs, OutputKind.Other, settings.Overwrite);
        if (settings.Count < 1) throw new UsageException("--count", $"must be ≥ 1; got {settings.Count}.");
        var (model, _) = settings.LoadModel();
        var data = DataSource.Load(settings);
        ModelSettings.CheckDimension(model, data, settings.Model);
        var built = ReportBuilder.Examples(model, data with { Test = data.Test.Subset(0, Math.Min(settings.Count, data.Test.Count)) }, settings.Seed, settings.Count);
        int d = model.LayerSize(0), rows = built[0].Rows;
        var tiles = new List<float[]>();
        for (int r = 0; r < rows; r++)
        {
            tiles.Add(built[0].Clean.AsSpan(r * d, d).ToArray());
            foreach (var e in built)
            {
                tiles.Add(e.Corrupted.AsSpan(r * d, d).ToArray());
                tiles.Add(e.Reconstructed.AsSpan(r * d, d).ToArray());
            }
        }
        var (h, w) = (data.Test.ImageRows > 0 ? data.Test.ImageRows : 1, data.Test.ImageColumns > 0 ? data.Test.ImageColumns : d);
        Png.WriteGrid(settings.Out, inputs, tiles, h, w, 1 + 2 * built.Count);
        cli.Line($"Wrote {rows} images × ({string.Join("; ", built.Select(b => b.Corruption))}) to {settings.Out}.");
        return ExitCodes.Success;
    }
}
