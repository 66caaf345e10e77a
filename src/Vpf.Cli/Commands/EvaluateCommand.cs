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

    /// <summary>Parzen section.</summary>
    [CommandOption("--parzen-chains <N>")]
    [Description("Gibbs chains whose samples (10 per chain) give the Parzen-window log-likelihood (0 = skip it).")]
    [DefaultValue(100)]
    public int ParzenChains { get; init; } = 100;

    /// <summary>Fractions of flipped pixels reconstructed.</summary>
    [CommandOption("--flip-fractions <LIST>")]
    [Description("Fractions of pixels flipped at random, each reconstructed as a corruption of its own, e.g. 0.1,0.2 (each above 0 and at most 1). Default 0.1.")]
    public string? FlipFractions { get; init; }

    /// <summary>JSON output.</summary>
    [CommandOption("--json <FILE>")]
    [Description("Also write the whole evaluation report (every section, options, timings) to this JSON file.")]
    public string? Json { get; init; }

    /// <summary>Replace a model or checkpoint at --json.</summary>
    [CommandOption("--overwrite")]
    [Description("Replace the --json file even when it holds a vpf model file or training checkpoint (refused without this).")]
    public bool Overwrite { get; init; }
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
        if (settings.ParzenChains < 0) throw new UsageException("--parzen-chains", $"must be ≥ 0; got {settings.ParzenChains}.");
        double[]? flips = settings.FlipFractions is { } list
            ? NumberList.Parse("--flip-fractions", list, f => f > 0 && f <= 1, "fractions in (0, 1]") : null;
        string[] inputs = [settings.Model, .. DataInputs.For(settings)];
        if (settings.Json is not null) OutputPath.Check("--json", settings.Json, inputs, OutputKind.Other, settings.Overwrite);
        var (model, info) = settings.LoadModel();
        var data = ModelSettings.DataFor(settings, model, info, settings.Model);
        CountLimits.Check("--ais-runs", settings.AisRuns, 3 * model.Architecture.LayerSizes.Sum(n => (long)n));
        CountLimits.Check("--parzen-chains", 10L * settings.ParzenChains, model.Architecture.LayerSizes.Sum(n => (long)n));
        cli.Line($"Model: {settings.Model}, {model.Architecture}, trained by {info.TrainingMethod ?? "unknown"}.");
        cli.Line($"Data: {data.Description}.");
        var (rows, report) = ModelEvaluation.Run(cli, settings.Model, model, info, data,
            new EvaluationBudget(settings.Rows, settings.AisRuns, settings.AisTemperatures, 2000, settings.Seed, settings.ParzenChains, flips));
        var table = new Table().AddColumns("metric", "model", "baselines", "how");
        table.Border = TableBorder.Simple;
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Metric), Markup.Escape(r.Display), Markup.Escape(r.BaselineText), Markup.Escape(r.Note));
        cli.Console.Write(table);
        if (settings.Json is not null)
        {
            ModelEvaluation.WriteJson(settings.Json, inputs, report);
            cli.Line($"Wrote the evaluation report to {settings.Json}.");
        }
        return ExitCodes.Success;
    }
}
