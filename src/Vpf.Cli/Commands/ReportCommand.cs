using System.ComponentModel;
using System.Text.Json;
using Spectre.Console.Cli;
using Vpf.Cli.Reporting;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf report</c>.</summary>
public sealed class ReportSettings : CommonSettings
{
    /// <summary>Model files.</summary>
    [CommandArgument(0, "<MODELS>")]
    [Description("One or more model files (.vpf) to report on side by side.")]
    public string[] Models { get; init; } = [];

    /// <summary>Output.</summary>
    [CommandOption("--out <FILE>")]
    [Description("The HTML file to write (self-contained: opens with no network).")]
    [DefaultValue("report.html")]
    public string Out { get; init; } = "report.html";

    /// <summary>Held-out images evaluated.</summary>
    [CommandOption("--rows <N>")]
    [Description("Held-out images used by the evaluation.")]
    [DefaultValue(1000)]
    public int Rows { get; init; } = 1000;

    /// <summary>Sampling sweeps.</summary>
    [CommandOption("--sample-sweeps <N>")]
    [Description("Gibbs sweeps for the samples.")]
    [DefaultValue(ReportBuilder.SampleSweeps)]
    public int SampleSweeps { get; init; } = ReportBuilder.SampleSweeps;

    /// <summary>AIS runs.</summary>
    [CommandOption("--ais-runs <N>")]
    [Description("Annealed importance sampling runs for the test log-likelihood (0 = skip AIS).")]
    [DefaultValue(DemoCommand.AisRuns)]
    public int AisRuns { get; init; } = DemoCommand.AisRuns;

    /// <summary>AIS temperatures.</summary>
    [CommandOption("--ais-temperatures <N>")]
    [Description("Intermediate temperatures of AIS (the paper uses 14,500; the default is the demo's).")]
    [DefaultValue(DemoCommand.AisTemperatures)]
    public int AisTemperatures { get; init; } = DemoCommand.AisTemperatures;

    /// <summary>Replace a model or checkpoint at the output.</summary>
    [CommandOption("--overwrite")]
    [Description("Replace the output even when it holds a vpf model file or training checkpoint (refused without this).")]
    public bool Overwrite { get; init; }
}

/// <summary><c>vpf report</c>: evaluates model files and writes a self-contained HTML report.</summary>
internal sealed class ReportCommand : Command<ReportSettings>
{
    public override int Execute(CommandContext context, ReportSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        settings.Apply();
        string[] inputs = [.. settings.Models, .. DataInputs.For(settings)];
        OutputPath.Check("--out", settings.Out, inputs, OutputKind.Other, settings.Overwrite);
        if (settings.Models.Length == 0) throw new UsageException("<MODELS>", "give at least one model file.");
        if (settings.Rows < 1) throw new UsageException("--rows", $"must be ≥ 1; got {settings.Rows}.");
        if (settings.SampleSweeps < 1) throw new UsageException("--sample-sweeps", $"must be ≥ 1; got {settings.SampleSweeps}.");
        if (settings.AisRuns < 0) throw new UsageException("--ais-runs", $"must be ≥ 0; got {settings.AisRuns}.");
        if (settings.AisTemperatures < 1) throw new UsageException("--ais-temperatures", $"must be ≥ 1; got {settings.AisTemperatures}.");
        var loaded = settings.Models.Select(path => (Path: path, File: ModelFile.LoadWithInfo(path))).ToList();
        // Binary models share one load of the data; a Gaussian model sees them through its own standardisation.
        DataSet? binaryData = null;
        var datas = loaded.Select(l => l.File.Model.Architecture.HasGaussianVisible
            ? ModelSettings.DataFor(settings, l.File.Model, l.File.Info, l.Path)
            : binaryData ??= ModelSettings.DataFor(settings, l.File.Model, l.File.Info, l.Path)).ToList();
        var data = datas[0];
        var report = new ReportContent($"vpf report: {string.Join(", ", settings.Models.Select(Path.GetFileName))}", cli.CommandLine,
            data.Description, data.Test.ImageRows, data.Test.ImageColumns);
        var header = new List<string> { "metric" };
        header.AddRange(loaded.Select(l => Path.GetFileNameWithoutExtension(l.Path)));
        header.Add("trivial / raw-pixel baselines");
        report = report with { TableHeader = header };
        var metrics = new List<List<MetricRow>>();
        foreach (var ((path, (model, info)), modelData) in loaded.Zip(datas))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            var curve = TrainingRun.ReadCurve(info);
            cli.Line($"Evaluating {path}…");
            metrics.Add(ModelEvaluation.Run(cli, name, model, info, modelData,
                new EvaluationBudget(settings.Rows, settings.AisRuns, settings.AisTemperatures, 2000, settings.Seed)).Rows);
            report.Models.Add(ReportBuilder.Build(cli, name, info.TrainingMethod ?? "vpf", model, curve, modelData, settings.Seed, settings.SampleSweeps));
            report.Options.Add((name, $"{model.Architecture}, {info.TrainingMethod}, {info.EpochsCompleted} epochs; {info.TrainingOptionsJson} {info.ObjectiveOptionsJson}"));
            if (info.Notes.TryGetValue(TrainingRun.CommandNote, out var command)) report.Options.Add(($"{name} command", command));
            if (info.TrainCommand is { } train) report.TrainCommands.Add((name, train));
        }
        foreach (string metric in metrics[0].Select(m => m.Metric).Where(m => metrics.All(l => l.Any(r => r.Metric == m))))
        {
            var row = new List<string> { metric };
            row.AddRange(metrics.Select(l => l.First(r => r.Metric == metric).Display));
            row.Add(metrics[0].First(r => r.Metric == metric).BaselineText);
            report.TableRows.Add(row);
        }
        HtmlReport.Write(settings.Out, inputs, report);
        cli.Line($"Wrote {settings.Out}.");
        return ExitCodes.Success;
    }
}
