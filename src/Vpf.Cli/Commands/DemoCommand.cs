using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using Vpf.Cli.Reporting;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Cli.Commands;

/// <summary>Options of <c>vpf demo</c>.</summary>
public sealed class DemoSettings : CommonSettings
{
    /// <summary>Hidden units of the RBMs and of the DBM's first hidden layer.</summary>
    [CommandOption("--hidden <N>")]
    [Description("Hidden units of the RBMs and of the DBM's first hidden layer.")]
    [DefaultValue(500)]
    public int Hidden { get; init; } = 500;

    /// <summary>Epochs of CD-1 (default <see cref="DemoCommand.DefaultEpochs"/>); the VPF models train for CD-1's training time. Not with <c>--full</c>.</summary>
    [CommandOption("--epochs <N>")]
    [Description("Epochs of CD-1 (otherwise at its recorded defaults); each VPF model then trains for the same time. Default 15. Not with --full, where the time budgets end every run.")]
    public int? Epochs { get; init; }

    /// <summary>With <c>--full</c>: the training budgets in seconds, each method's model saved when it reaches each one.</summary>
    [CommandOption("--budgets <LIST>")]
    [Description("With --full: training seconds per method, comma-separated; each method trains once for the largest, and its model is saved and evaluated at the end of the epoch that reaches each budget. Default " + EqualTimeDemo.DefaultBudgets + ".")]
    public string? Budgets { get; init; }

    /// <summary>Output folder.</summary>
    [CommandOption("--out <DIR>")]
    [Description("Folder for the model files and report.html.")]
    [DefaultValue("out")]
    public string Out { get; init; } = "out";

    /// <summary>Held-out images evaluated.</summary>
    [CommandOption("--rows <N>")]
    [Description("Held-out images used by the reconstruction and probe evaluation.")]
    [DefaultValue(1000)]
    public int Rows { get; init; } = 1000;

    /// <summary>Training images of the linear probe.</summary>
    [CommandOption("--probe-rows <N>")]
    [Description("Training images for the linear probe's softmax regression.")]
    [DefaultValue(2000)]
    public int ProbeRows { get; init; } = 2000;

    /// <summary>Gibbs sweeps per sample.</summary>
    [CommandOption("--sample-sweeps <N>")]
    [Description("Gibbs sweeps for the report's samples.")]
    [DefaultValue(ReportBuilder.SampleSweeps)]
    public int SampleSweeps { get; init; } = ReportBuilder.SampleSweeps;

    /// <summary>AIS runs.</summary>
    [CommandOption("--ais-runs <N>")]
    [Description("Annealed importance sampling runs for each model's test log-likelihood (0 = skip AIS).")]
    [DefaultValue(DemoCommand.AisRuns)]
    public int AisRuns { get; init; } = DemoCommand.AisRuns;

    /// <summary>AIS temperatures (default <see cref="DemoCommand.AisTemperatures"/>; with <c>--full</c>, <see cref="EqualTimeDemo.AisTemperatures"/>).</summary>
    [CommandOption("--ais-temperatures <N>")]
    [Description("Intermediate temperatures of AIS (the paper uses 14,500). Default 10,000, which keeps the demo near 3 minutes; with --full 5,000, which keeps it under 20.")]
    public int? AisTemperatures { get; init; }

    /// <summary>Discard an interrupted training run's checkpoint, or replace a model or checkpoint, among the demo's outputs.</summary>
    [CommandOption("--overwrite")]
    [Description("Discard a training checkpoint (<model>.vpfckpt) found in --out, and let the evaluation files and report replace a vpf model file or checkpoint (refused without this). The demo's model files themselves are replaced by new models, as 'vpf train' does.")]
    public bool Overwrite { get; init; }
}

/// <summary>
/// <c>vpf demo</c>: trains an RBM by CD-1, then for the same training time a centered RBM and an uncentered DBM by VPF,
/// on the default data; evaluates all three, prints a comparison table and writes the models and report.html to <c>--out</c>.
/// </summary>
internal sealed class DemoCommand : Command<DemoSettings>
{
    /// <summary>Measured on 2 cores: 15 epochs of each model on 8,000 images keep the whole demo near 3 minutes.</summary>
    public const int DefaultEpochs = 15;

    /// <summary>Upper bound on a VPF model's epochs; CD-1's training time is what ends them.</summary>
    public const int MaxVpfEpochs = 200;

    /// <summary>Top layer of the demo's DBM (the paper's 784-500-1000).</summary>
    public const int DeepTopUnits = 1000;

    /// <summary>AIS runs of the demo (and the default of <c>vpf report</c>).</summary>
    public const int AisRuns = 100;

    /// <summary>
    /// AIS temperatures of the demo (and the default of <c>vpf report</c>). Measured on a shared 2-core machine, one
    /// temperature of 100 runs on 784-500 costs 2.2–3.4 ms, so AIS of both models takes 45–70 s and the demo stays near
    /// 2 minutes; with 3,000 temperatures the estimate of log Z on the CD-1 model was 3.4 nats lower (AIS underestimates
    /// log Z when the schedule is too short).
    /// </summary>
    public const int AisTemperatures = 10000;

    public override int Execute(CommandContext context, DemoSettings settings, CancellationToken cancellationToken)
    {
        var cli = (CliContext)context.Data!;
        var clock = Stopwatch.StartNew();
        settings.Apply(fullTakesData: true);
        if (settings.Hidden < 1) throw new UsageException("--hidden", $"must be ≥ 1; got {settings.Hidden}.");
        if (settings.Rows < 1) throw new UsageException("--rows", $"must be ≥ 1; got {settings.Rows}.");
        if (settings.ProbeRows < 0) throw new UsageException("--probe-rows", $"must be ≥ 0; got {settings.ProbeRows}.");
        if (settings.SampleSweeps < 1) throw new UsageException("--sample-sweeps", $"must be ≥ 1; got {settings.SampleSweeps}.");
        if (settings.AisRuns < 0) throw new UsageException("--ais-runs", $"must be ≥ 0; got {settings.AisRuns}.");
        if (settings.AisTemperatures < 1) throw new UsageException("--ais-temperatures", $"must be ≥ 1; got {settings.AisTemperatures}.");
        if (settings.DataCsv is not null)
            throw new UsageException("--data-csv", "the demo compares binary models on images; train on a table with 'vpf train --visible gaussian --data-csv FILE'.");
        if (settings.Full) return EqualTimeDemo.Run(cli, settings, clock);
        if (settings.Budgets is not null) throw new UsageException("--budgets", "applies to 'vpf demo --full' only.");
        int epochs = settings.Epochs ?? DefaultEpochs;
        int aisTemperatures = settings.AisTemperatures ?? AisTemperatures;
        foreach (string file in new[] { "vpf.vpf", "vpf-dbm.vpf", "cd1.vpf", "evaluation-vpfrbmcentered.json", $"evaluation-vpfdbm{settings.Hidden}{DeepTopUnits}.json", "evaluation-cd1.json", "report.html" })
        {
            string path = Path.Combine(settings.Out, file);
            bool model = file.EndsWith(Core.Persistence.ModelFile.Extension, StringComparison.Ordinal);
            OutputPath.Check("--out", path, DataInputs.For(settings), model ? OutputKind.Model : OutputKind.Other, settings.Overwrite);
            // The demo never resumes: a checkpoint next to one of its models is an interrupted run (the demo's or a
            // 'vpf train' into this folder) that a fresh training would discard, so, as for 'vpf train', only on request.
            string checkpoint = Core.Persistence.CheckpointFile.PathFor(path);
            if (model && !settings.Overwrite && Core.Data.FileIdentity.KindOf(checkpoint) != Core.Data.FileKind.Missing)
                throw new UsageException("--out", $"'{checkpoint}' holds an interrupted training run, which the demo would discard (it does not resume). " +
                    "Add --overwrite to discard it, or choose another --out.");
        }
        var data = DataSource.Load(settings);
        string hidden = settings.Hidden.ToString(CultureInfo.InvariantCulture);
        cli.Line($"Data: {data.Description}.");
        if (settings.Data is null && DataSource.DebianAvailable)
            cli.Line($"Hint: the full Fashion-MNIST is installed in {DataSource.DebianFolder}; 'vpf demo --full' compares CD-1, PCD-1 and VPF at equal training time on its 60,000 images (about 15 minutes).");
        // CD-1 trains first, for --epochs; each VPF model then gets CD-1's training time (held-out evaluation excluded)
        // and stops at the end of the epoch that reaches it: the comparison is at equal wall-clock time. Every model
        // trains with its method's recorded defaults; the demo chooses only epochs, seed, the RBM's single sweep
        // (its bottom-up pass is exact) and an uncentered DBM (the better filler of occluded regions).
        var rbm = PlanFlags.Checked(() => Architecture.Rbm(data.Train.Dimension, settings.Hidden));
        var dbm = PlanFlags.Checked(() => Architecture.Dbm(data.Train.Dimension, settings.Hidden, DeepTopUnits));
        static TrainingPlan Plan(Architecture architecture, TrainingMethod method, int epochs, int seed, bool? centered = null)
        {
            var defaults = method.DefaultTraining;
            return new TrainingPlan
            {
                Architecture = architecture,
                Method = method,
                TrainingOptions = defaults with
                {
                    Epochs = epochs, Seed = seed,
                    Centering = defaults.Centering with { Enabled = centered ?? defaults.Centering.Enabled },
                },
            };
        }
        var cd1 = Plan(rbm, new CdMethod { Steps = 1 }, epochs, settings.Seed);
        var vpfCentered = Plan(rbm, new VpfMethod().With(new MethodSettings { MeanFieldSweeps = 1 }), MaxVpfEpochs, settings.Seed);
        var vpfDbm = Plan(dbm, new VpfMethod(), MaxVpfEpochs, settings.Seed, centered: false);
        cli.Line($"Chosen for about 3 minutes on 2 cores: CD-1 ({Describe(cd1.TrainingOptions)}) on an RBM {data.Train.Dimension}-{hidden} for {epochs} epochs; " +
                 $"then, for the same training time, VPF ({Describe(vpfCentered.TrainingOptions)}) on an RBM {data.Train.Dimension}-{hidden} (features, likelihood) and " +
                 $"({Describe(vpfDbm.TrainingOptions)}) on a DBM {data.Train.Dimension}-{hidden}-{DeepTopUnits} (filling in occluded regions); " +
                 $"evaluation on {Math.Min(settings.Rows, data.Test.Count)} held-out images, probe trained on {settings.ProbeRows}, " +
                 (settings.AisRuns > 0 ? $"AIS with {aisTemperatures:N0} temperatures × {settings.AisRuns} runs, " : "no AIS, ") +
                 $"samples after {settings.SampleSweeps} Gibbs sweeps.");
        foreach (var plan in new[] { cd1, vpfCentered, vpfDbm }) PlanFlags.Checked(plan.Validate);
        TrainedModel Train(string name, TrainingPlan plan, string file) =>
            TrainingRun.Execute(cli, plan, data, name, Path.Combine(settings.Out, file), resume: false, overwrite: settings.Overwrite, inputs: DataInputs.For(settings),
                trainCommand: TrainCommandLine.For(plan, settings));
        var cd = Train("CD-1", cd1, "cd1.vpf");
        double budgetSeconds = Math.Max(cd.Seconds, 1);
        cli.Line(string.Create(CultureInfo.InvariantCulture, $"Each VPF model now trains for CD-1's {budgetSeconds:F1} s (at most {MaxVpfEpochs} epochs)."));
        var runs = new (string Name, TrainingPlan Plan, string File)[]
        {
            ("VPF RBM centered", vpfCentered with { TimeBudgetSeconds = budgetSeconds }, "vpf.vpf"),
            ($"VPF DBM {dbm.LayerSizes[1]}-{dbm.LayerSizes[2]}", vpfDbm with { TimeBudgetSeconds = budgetSeconds }, "vpf-dbm.vpf"),
            ("CD-1", cd1, "cd1.vpf"),
        };
        var trained = new List<TrainedModel> { Train(runs[0].Name, runs[0].Plan, runs[0].File), Train(runs[1].Name, runs[1].Plan, runs[1].File), cd };

        var budget = new EvaluationBudget(settings.Rows, settings.AisRuns, aisTemperatures, settings.ProbeRows, settings.Seed);
        var metrics = new List<List<MetricRow>>();
        var jsonFiles = new List<string>();
        var evaluationSeconds = new List<double>();
        foreach (var t in trained)
        {
            cli.Line($"Evaluating {t.Name}…");
            var info = Core.Persistence.ModelFile.LoadWithInfo(t.Path).Info;
            var (rows, evaluation) = ModelEvaluation.Run(cli, t.Name, t.Model, info, data, budget);
            metrics.Add(rows);
            evaluationSeconds.Add(evaluation.Seconds);
            string json = Path.Combine(settings.Out, $"evaluation-{JsonName(t.Name)}.json");
            ModelEvaluation.WriteJson(json, DataInputs.For(settings), evaluation);
            jsonFiles.Add(json);
        }

        // Rows present for every model, in the order of the first.
        // Rows of every model, in order of first appearance ("—" where a model has no such number, e.g. AIS of a DBM
        // gives a variational bound instead of the RBM's log-likelihood).
        var names = metrics.SelectMany(list => list.Select(m => m.Metric)).Distinct()
            .Where(m => !m.StartsWith("held-out K", StringComparison.Ordinal)).ToList();
        var header = new List<string> { "metric" };
        header.AddRange(trained.Select(t => t.Name));
        header.Add("trivial / raw-pixel baselines");
        var table = new Table().AddColumns(header.Select(Markup.Escape).ToArray());
        table.Border = TableBorder.Simple;
        var report = new ReportContent("VPF vs CD-1 on Fashion-MNIST at equal training time", cli.CommandLine, data.Description, data.Test.ImageRows, data.Test.ImageColumns)
        {
            TableHeader = header,
        };
        var epochRow = new List<string> { "epochs trained" };
        epochRow.AddRange(trained.Select(t => (t.Curve.Count > 0 ? t.Curve[^1].Epoch : 0).ToString(CultureInfo.InvariantCulture)));
        epochRow.Add("—");
        table.AddRow(epochRow.Select(Markup.Escape).ToArray());
        report.TableRows.Add(epochRow);
        var timeRow = new List<string> { "training time (s)" };
        timeRow.AddRange(trained.Select(t => t.Seconds.ToString("F1", CultureInfo.InvariantCulture)));
        timeRow.Add("—");
        table.AddRow(timeRow.Select(Markup.Escape).ToArray());
        report.TableRows.Add(timeRow);
        var evaluationRow = new List<string> { "evaluation time (s)" };
        evaluationRow.AddRange(evaluationSeconds.Select(s => s.ToString("F1", CultureInfo.InvariantCulture)));
        evaluationRow.Add("—");
        table.AddRow(evaluationRow.Select(Markup.Escape).ToArray());
        report.TableRows.Add(evaluationRow);
        foreach (string name in names)
        {
            var row = new List<string> { name };
            row.AddRange(metrics.Select(list => list.FirstOrDefault(r => r.Metric == name)?.Display ?? "—"));
            row.Add(metrics.Select(list => list.FirstOrDefault(r => r.Metric == name)).First(r => r is not null)!.BaselineText);
            table.AddRow(row.Select(Markup.Escape).ToArray());
            report.TableRows.Add(row);
        }
        cli.Console.Write(table);
        string lowerBetter = "Lower is better for errors and cross-entropies, higher for accuracy. Reconstruction: mean-field inference of the corrupted pixels " +
            "with the known pixels clamped; 'corrupted input' predicts the corrupted value, 'majority fill' the training-set pixel marginal. " +
            "AIS log-likelihood: mean −F(v) − log Z over the held-out images, log Z by annealed importance sampling from the base-rate model " +
            "(training-set pixel marginals); in brackets the values at the ±3σ bounds of log Z (+inf when mean − 3σ/√runs of the importance " +
            "weights is ≤ 0: the weights are heavy-tailed, and log Z is then likely underestimated, the log-likelihood overestimated). " +
            "Parzen: Gaussian kernels on Gibbs samples (visible probabilities), σ chosen on the first held-out images.";
        cli.Line(lowerBetter);
        report.Notes.Add(lowerBetter);
        foreach (var t in trained)
            report.Models.Add(ReportBuilder.Build(cli, t.Name, t.Method.Name, t.Model, t.Curve, data, settings.Seed, settings.SampleSweeps));
        report.Options.Add(("data", data.Description));
        // The commands that train each model again (the VPF models with CD-1's time as their budget).
        cli.Line("Train a model again with:");
        foreach (var (name, plan, _) in runs)
            if (TrainCommandLine.For(plan, settings) is { } command)
            {
                report.TrainCommands.Add((name, command));
                cli.Line($"  {name}:");
                cli.Verbatim(command);
            }
        report.Options.Add(("evaluation", $"{Math.Min(settings.Rows, data.Test.Count)} held-out images, probe on {settings.ProbeRows} training images, " +
            $"AIS {aisTemperatures} temperatures × {settings.AisRuns} runs, {settings.SampleSweeps} sampling sweeps"));
        string html = Path.Combine(settings.Out, "report.html");
        HtmlReport.Write(html, DataInputs.For(settings), report);
        cli.Line($"Wrote {string.Join(", ", trained.Select(t => t.Path).Concat(jsonFiles))} and {html}. The demo took {ProgressDisplay.Seconds(clock.Elapsed.TotalSeconds)}.");
        return ExitCodes.Success;
    }

    /// <summary>The optimiser, batch and centering of a run in words, e.g. "Adam 0.001, batches of 100, centered".</summary>
    internal static string Describe(TrainingOptions t) => string.Create(CultureInfo.InvariantCulture,
        $"{t.Optimiser.Kind} {t.Optimiser.LearningRate}{(t.Optimiser.Kind == OptimiserKind.SgdMomentum ? $" momentum {t.Optimiser.Momentum}" : "")}, " +
        $"batches of {t.BatchSize}, {(t.Centering.Enabled ? "centered" : "uncentered")}");

    /// <summary>"VPF" → "vpf", "CD-1" → "cd1".</summary>
    internal static string JsonName(string model) => new(model.ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
}
