using System.ComponentModel;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using Spectre.Console;
using Spectre.Console.Cli;
using Vpf.Core.Persistence;
using Vpf.Kernels;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf info</c>.</summary>
public sealed class InfoSettings : CommandSettings
{
    /// <summary>Worker threads of the kernels (0 = all cores).</summary>
    [CommandOption("--threads <N>")]
    [Description("Worker threads of the matrix kernels (0 = all cores).")]
    [DefaultValue(0)]
    public int Threads { get; init; }

    /// <summary>An optional model file.</summary>
    [CommandArgument(0, "[MODEL]")]
    [Description("A model file (.vpf) or checkpoint (.vpfckpt) to describe; without it, the data sets and machine are listed.")]
    public string? Model { get; init; }
}

/// <summary><c>vpf info</c>: a model file's architecture and provenance, or the data sets found and the machine.</summary>
internal sealed class InfoCommand : Command<InfoSettings>
{
    public override int Execute(CommandContext context, InfoSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        ThreadsOption.Apply(settings.Threads);
        var table = new Table().AddColumns("item", "value");
        table.Border = TableBorder.Simple;
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        if (settings.Model is null)
        {
            Row("shipped data", DataSource.FindShipped() ?? "not found (run from the repository, or pass --data DIR)");
            Row("full Fashion-MNIST", DataSource.DebianAvailable ? $"{DataSource.DebianFolder} (use --full)" : $"not installed (apt-get install dataset-fashion-mnist puts it in {DataSource.DebianFolder})");
            Row("processors", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
            Row("kernel threads", KernelSettings.MaxThreads.ToString(CultureInfo.InvariantCulture));
            Row("AVX2 / FMA", $"{Avx2.IsSupported} / {Fma.IsSupported}");
            Row("model format (newest written)", ModelFile.FormatVersion);
            cli.Console.Write(table);
            return ExitCodes.Success;
        }
        var (model, info) = settings.Model.EndsWith(CheckpointFile.Extension, StringComparison.OrdinalIgnoreCase)
            ? CheckpointInfo(settings.Model)
            : ModelFile.LoadWithInfo(settings.Model);
        var a = model.Architecture;
        Row("file", settings.Model);
        Row("format version", info.FormatVersion ?? "unknown");
        Row("architecture", a.ToString());
        Row("visible units", a.HasGaussianVisible ? "Gaussian (unit variance, real values)" : "binary");
        Row("standardisation", info.Standardisation is { } z
            ? string.Create(CultureInfo.InvariantCulture, $"stored: {z.Dimension} column means and scales (means {z.Means.Min():G4} … {z.Means.Max():G4}, scales {z.Scales.Min():G4} … {z.Scales.Max():G4})")
            : "none");
        Row("layer sizes", string.Join(", ", a.LayerSizes));
        Row("lateral weights", a.HasLateral.Any(x => x) ? string.Join(", ", Enumerable.Range(0, a.LayerCount).Where(l => a.HasLateral[l]).Select(l => $"layer {l}")) : "none");
        Row("parameters", a.ParameterCount.ToString("N0", CultureInfo.InvariantCulture));
        Row("parameter norm", model.Parameters.Norm().ToString("G6", CultureInfo.InvariantCulture));
        Row("method", info.TrainingMethod ?? "unknown");
        Row("epochs completed", info.EpochsCompleted.ToString(CultureInfo.InvariantCulture));
        Row("seed", info.Seed?.ToString(CultureInfo.InvariantCulture) ?? "unknown");
        Row("created (UTC)", info.CreatedUtc.ToString("u", CultureInfo.InvariantCulture));
        if (info.TrainingOptionsJson is not null) Row("training options", info.TrainingOptionsJson);
        if (info.ObjectiveOptionsJson is not null) Row("objective options", info.ObjectiveOptionsJson);
        foreach (var (k, v) in info.Notes.Where(n => n.Key != TrainingRun.CurveNote && n.Key != TrainingRun.EvalSecondsNote))
            Row(k, v);
        cli.Console.Write(table);
        // Outside the table and unwrapped, so that it can be copied whole even from redirected output.
        if (info.TrainCommand is { } command)
        {
            cli.Line("Train it again (same machine and --threads give the same parameters):");
            cli.Verbatim(command);
        }
        return ExitCodes.Success;
    }

    private static (Core.Model.DeepBoltzmannMachine, ModelFileInfo) CheckpointInfo(string path)
    {
        var (model, checkpoint, info) = CheckpointFile.Load(path);
        return (model, info with
        {
            Notes = new Dictionary<string, string>(info.Notes)
            {
                ["checkpoint"] = $"after epoch {checkpoint.EpochsCompleted}, batch {checkpoint.BatchesCompleted}; optimiser {checkpoint.Optimiser.Kind} step {checkpoint.Optimiser.Step}",
            },
        });
    }
}
