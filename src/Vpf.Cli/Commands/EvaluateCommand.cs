using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf evaluate</c>.</summary>
public sealed class EvaluateSettings : ModelSettings
{
    /// <summary>Held-out images evaluated.</summary>
    [CommandOption("--rows <N>")]
    [Description("Held-out images to evaluate on.")]
    [DefaultValue(1000)]
    public int Rows { get; init; } = 1000;

    /// <summary>AIS runs.</summary>
    [CommandOption("--ais-runs <N>")]
    [Description("Annealed importance sampling runs for log Z (0 = skip AIS).")]
    [DefaultValue(100)]
    public int AisRuns { get; init; } = 100;

    /// <summary>AIS temperatures.</summary>
    [CommandOption("--ais-temperatures <N>")]
    [Description("Intermediate temperatures of AIS (the paper uses 14,500; fewer is faster and looser).")]
    [DefaultValue(10000)]
    public int AisTemperatures { get; init; } = 10000;
}

/// <summary><c>vpf evaluate</c>: held-out metrics of a model file.</summary>
internal sealed class EvaluateCommand : Command<EvaluateSettings>
{
    public override int Execute(CommandContext context, EvaluateSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        settings.Apply();
        if (settings.Rows < 1) throw new UsageException("--rows", $"must be ≥ 1; got {settings.Rows}.");
        if (settings.AisRuns < 0) throw new UsageException("--ais-runs", $"must be ≥ 0; got {settings.AisRuns}.");
        if (settings.AisTemperatures < 1) throw new UsageException("--ais-temperatures", $"must be ≥ 1; got {settings.AisTemperatures}.");
        var (model, info) = settings.LoadModel();
        var data = DataSource.Load(settings);
        ModelSettings.CheckDimension(model, data, settings.Model);
        cli.Line($"Model: {settings.Model}, {model.Architecture}, trained by {info.TrainingMethod ?? "unknown"}.");
        cli.Line($"Data: {data.Description}.");
        var rows = ModelEvaluation.Run(cli, settings.Model, model, info,
            data, new EvaluationBudget(settings.Rows, settings.AisRuns, settings.AisTemperatures, 2000, settings.Seed));
        var table = new Table().AddColumns("metric", "model", "baselines", "how");
        table.Border = TableBorder.Simple;
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Metric), ModelEvaluation.Format(r.Value), Markup.Escape(r.BaselineText), Markup.Escape(r.Note));
        cli.Console.Write(table);
        return ExitCodes.Success;
    }
}
