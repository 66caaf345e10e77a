using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;

namespace Vpf.Cli.Commands;

/// <summary>
/// <c>vpf demo --full</c>: CD-1, PCD-1 and VPF, each at its method's recorded defaults (<see cref="TrainingMethod.DefaultTraining"/>),
/// train an RBM on the full Fashion-MNIST for the same wall-clock budgets and are evaluated on held-out images at each
/// budget. Each method trains once, for the largest budget; its model is saved at the end of the epoch that reaches
/// each smaller one, which is where a run with that <see cref="TrainingPlan.TimeBudgetSeconds"/> would stop.
/// </summary>
internal static class EqualTimeDemo
{
    /// <summary>
    /// The budgets in seconds: three methods × 240 s of training and nine evaluations keep the command under 20 minutes
    /// on 2 cores.
    /// </summary>
    public const string DefaultBudgets = "60,120,240";

    /// <summary>
    /// AIS temperatures (× <see cref="DemoSettings.AisRuns"/> runs): half the plain demo's 10,000, so that nine
    /// evaluations fit the 20 minutes; AIS underestimates log Z the more the shorter the schedule (3.4 nats at 3,000
    /// temperatures on the demo's CD-1 model), so differences of a few nats are ties.
    /// </summary>
    public const int AisTemperatures = 5000;

    /// <summary>Upper bound on every run's epochs; the budget is what ends them.</summary>
    public const int MaxEpochs = 1000;

    /// <summary>The Debian package that installs the full Fashion-MNIST in <see cref="DataSource.DebianFolder"/>.</summary>
    public const string DebianPackage = "dataset-fashion-mnist";

    /// <summary>The fractions of flipped pixels the models denoise.</summary>
    public static readonly double[] FlipFractions = [0.1, 0.2];

    /// <summary>The summary files written to <c>--out</c>.</summary>
    public const string MarkdownFile = "equal-time.md", JsonFile = "equal-time.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Runs the protocol with the demo's options (already checked by <see cref="DemoCommand"/>); <paramref name="clock"/> times the whole command.</summary>
    public static int Run(CliContext cli, DemoSettings settings, Stopwatch clock)
    {
        if (settings.Epochs is not null)
            throw new UsageException("--epochs", "does not apply to --full: every method trains until its time budget (--budgets).");
        var budgets = NumberList.Parse("--budgets", settings.Budgets ?? DefaultBudgets, b => b > 0, "training seconds, each > 0");
        Array.Sort(budgets);
        int aisTemperatures = settings.AisTemperatures ?? AisTemperatures;
        string folder = settings.Data ?? DataSource.DebianFolder;
        CheckFolder(folder, settings.Data is null);
        // The data as a 'vpf train' line selects them: --full for Debian's folder, --data for another.
        var source = settings.Data is null
            ? new CommonSettings { Full = true, TrainRows = settings.TrainRows, TestRows = settings.TestRows, Inverted = settings.Inverted }
            : new CommonSettings { Data = settings.Data, TrainRows = settings.TrainRows, TestRows = settings.TestRows, Inverted = settings.Inverted };
        var inputs = DataInputs.For(source).ToList();

        var methods = new (string Name, TrainingMethod Method)[] { ("CD-1", new CdMethod { Steps = 1 }), ("PCD-1", new PcdMethod { Steps = 1 }), ("VPF", new VpfMethod()) };
        string ModelPath(string method, double budget) => Path.Combine(settings.Out, $"{DemoCommand.JsonName(method)}-{BudgetText(budget)}s{Core.Persistence.ModelFile.Extension}");
        string EvaluationPath(string method, double budget) => Path.Combine(settings.Out, $"evaluation-{DemoCommand.JsonName(method)}-{BudgetText(budget)}s.json");
        var outputs = methods.SelectMany(m => budgets.Select(b => (ModelPath(m.Name, b), true)).Concat(budgets.Select(b => (EvaluationPath(m.Name, b), false))))
            .Concat([(Path.Combine(settings.Out, MarkdownFile), false), (Path.Combine(settings.Out, JsonFile), false)]);
        foreach (var (path, model) in outputs)
        {
            OutputPath.Check("--out", path, inputs, model ? OutputKind.Model : OutputKind.Other, settings.Overwrite);
            string checkpoint = Core.Persistence.CheckpointFile.PathFor(path);
            if (model && !settings.Overwrite && FileIdentity.KindOf(checkpoint) != FileKind.Missing)
                throw new UsageException("--out", $"'{checkpoint}' holds an interrupted training run, which the demo would discard (it does not resume). " +
                    "Add --overwrite to discard it, or choose another --out.");
        }

        var data = DataSource.Load(source);
        cli.Line($"Data: {data.Description}.");
        var rbm = PlanFlags.Checked(() => Architecture.Rbm(data.Train.Dimension, settings.Hidden));
        TrainingPlan Plan(TrainingMethod method, double budget) => new()
        {
            Architecture = rbm,
            Method = method,
            TrainingOptions = method.DefaultTraining with { Epochs = MaxEpochs, Seed = settings.Seed },
            TimeBudgetSeconds = budget,
        };
        foreach (var (_, method) in methods) PlanFlags.Checked(Plan(method, budgets[^1]).Validate);
        string budgetList = string.Join(", ", budgets.Select(b => BudgetText(b) + " s"));
        string evaluation = $"{Math.Min(settings.Rows, data.Test.Count)} held-out images; {string.Join(" and ", FlipFractions.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f * 100:0.#}%")))} of pixels flipped, bottom half hidden; " +
                            $"probe trained on {settings.ProbeRows} training images; " +
                            (settings.AisRuns > 0 ? $"AIS with {aisTemperatures:N0} temperatures × {settings.AisRuns} runs" : "no AIS");
        cli.Line($"Equal-time protocol: {string.Join("; ", methods.Select(m => $"{m.Name} ({DemoCommand.Describe(m.Method.DefaultTraining)})"))}, " +
                 $"each at its method's recorded defaults on an RBM {rbm}, trained for {BudgetText(budgets[^1])} s (at most {MaxEpochs} epochs) and " +
                 $"saved at the end of the epoch that reaches each budget ({budgetList}); evaluation of every saved model on {evaluation}.");

        var runs = new List<RunRecord>();
        foreach (var (name, method) in methods)
        {
            var full = Plan(method, budgets[^1]);
            var requests = budgets[..^1].Select(b => new SnapshotRequest(b, ModelPath(name, b), TrainCommandLine.For(Plan(method, b), source))).ToArray();
            var trained = TrainingRun.Execute(cli, full, data, name, ModelPath(name, budgets[^1]), resume: false, overwrite: settings.Overwrite,
                inputs: inputs, trainCommand: TrainCommandLine.For(full, source), snapshots: requests, keepLastGoodOnDivergence: true);
            // A method that diverges is an outcome to report, not the end of the protocol: the budgets after the
            // divergence carry its last good model and say where it diverged.
            string? diverged = trained.Divergence is { } d ? $"diverged in epoch {d.Epoch}" : null;
            foreach (var s in trained.Snapshots)
                runs.Add(new RunRecord(name, s.Request.Seconds, s.Epochs, s.Seconds, s.Request.Path, s.Request.TrainCommand)
                {
                    Diverged = diverged is not null && s.Seconds < s.Request.Seconds ? diverged : null,
                });
            runs.Add(new RunRecord(name, budgets[^1], trained.Curve.Count > 0 ? trained.Curve[^1].Epoch : 0, trained.Seconds, trained.Path,
                TrainCommandLine.For(full, source)) { Diverged = diverged });
        }

        // Each saved model is evaluated from its file, as 'vpf evaluate' reads it.
        var budget = new EvaluationBudget(settings.Rows, settings.AisRuns, aisTemperatures, settings.ProbeRows, settings.Seed, ParzenChains: 0, FlipFractions);
        foreach (var run in runs)
        {
            cli.Line($"Evaluating {run.Method} at {BudgetText(run.Budget)} s…");
            var (model, info) = Core.Persistence.ModelFile.LoadWithInfo(run.Model);
            var (rows, report) = ModelEvaluation.Run(cli, $"{run.Method} {BudgetText(run.Budget)} s", model, info, data, budget);
            run.Metrics = rows.Where(r => !r.Metric.StartsWith("held-out K", StringComparison.Ordinal)).ToList();
            run.EvaluationSeconds = report.Seconds;
            run.Evaluation = EvaluationPath(run.Method, run.Budget);
            ModelEvaluation.WriteJson(run.Evaluation, inputs, report);
        }

        var markdown = new StringBuilder();
        markdown.AppendLine("# CD-1, PCD-1 and VPF at equal training time").AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Command: `{cli.CommandLine}`").AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Data: {data.Description}. Model: RBM {rbm}, every method at its recorded defaults " +
            $"({string.Join("; ", methods.Select(m => $"{m.Name}: {DemoCommand.Describe(m.Method.DefaultTraining)}"))}), seed {settings.Seed}. " +
            $"Each method trained once for {BudgetText(budgets[^1])} s; its model was saved at the end of the epoch that reached each budget. " +
            $"Evaluation: {evaluation}. Training seconds exclude the held-out curve and the saving of models.").AppendLine();
        foreach (double b in budgets)
        {
            var atBudget = methods.Select(m => runs.First(r => r.Method == m.Name && r.Budget == b)).ToList();
            var header = new List<string> { "metric" };
            header.AddRange(atBudget.Select(r => r.Method));
            header.Add("trivial / raw-pixel baselines");
            var rows = new List<List<string>>
            {
                Row("epochs trained", atBudget.Select(r => r.Epochs.ToString(CultureInfo.InvariantCulture) + (r.Diverged is { } why ? $" ({why}; the last good model)" : ""))),
                Row("training time (s)", atBudget.Select(r => r.Seconds.ToString("F1", CultureInfo.InvariantCulture))),
                Row("evaluation time (s)", atBudget.Select(r => r.EvaluationSeconds.ToString("F1", CultureInfo.InvariantCulture))),
            };
            foreach (string metric in atBudget.SelectMany(r => r.Metrics).Select(m => m.Metric).Distinct())
            {
                var row = new List<string> { metric };
                row.AddRange(atBudget.Select(r => r.Metrics.FirstOrDefault(m => m.Metric == metric)?.Display ?? "—"));
                row.Add(atBudget.SelectMany(r => r.Metrics).First(m => m.Metric == metric).BaselineText);
                rows.Add(row);
            }
            string title = $"Budget {BudgetText(b)} s";
            cli.Line(title);
            var table = new Table().AddColumns(header.Select(Markup.Escape).ToArray());
            table.Border = TableBorder.Simple;
            foreach (var row in rows) table.AddRow(row.Select(Markup.Escape).ToArray());
            cli.Console.Write(table);
            markdown.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine();
            markdown.AppendLine("| " + string.Join(" | ", header) + " |");
            markdown.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
            foreach (var row in rows) markdown.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
            markdown.AppendLine();
        }
        markdown.AppendLine("## Train a model again").AppendLine().AppendLine("```sh");
        cli.Line("Train a model again with:");
        foreach (var run in runs.Where(r => r.TrainCommand is not null))
        {
            cli.Line($"  {run.Method}, {BudgetText(run.Budget)} s:");
            cli.Verbatim(run.TrainCommand!);
            markdown.AppendLine(CultureInfo.InvariantCulture, $"# {run.Method}, {BudgetText(run.Budget)} s").AppendLine(run.TrainCommand);
        }
        markdown.AppendLine("```");

        string markdownPath = Path.Combine(settings.Out, MarkdownFile), jsonPath = Path.Combine(settings.Out, JsonFile);
        OutputFile.WriteText(markdownPath, inputs, markdown.ToString());
        var summary = new EqualTimeSummary("vpf-equal-time/1", cli.CommandLine, data.Description, rbm.ToString(), budgets, evaluation,
            runs.Select(r => new EqualTimeRun(r.Method, r.Budget, r.Epochs, r.Seconds, r.EvaluationSeconds, r.Model, r.Evaluation!, r.TrainCommand,
                r.Metrics.Select(m => new EqualTimeMetric(m.Metric, m.Value, m.Display)).ToArray(), r.Diverged)).ToArray());
        OutputFile.WriteText(jsonPath, inputs, JsonSerializer.Serialize(summary, Json));
        cli.Line($"Wrote {runs.Count} models, their evaluations, {markdownPath} and {jsonPath}. The demo took {ProgressDisplay.Seconds(clock.Elapsed.TotalSeconds)}.");
        return ExitCodes.Success;
    }

    /// <summary>The summary file <see cref="JsonFile"/>, read back.</summary>
    public static EqualTimeSummary ReadSummary(string path) =>
        JsonSerializer.Deserialize<EqualTimeSummary>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"'{path}' holds no summary.");

    /// <summary>A budget as written in file names and tables: "60", "0.5".</summary>
    public static string BudgetText(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// Refuses a folder without the full training set, naming it and the package that installs it (exit 3);
    /// <paramref name="debian"/>: the folder is Debian's, not one given by <c>--data</c>.
    /// </summary>
    internal static void CheckFolder(string folder, bool debian)
    {
        bool present = Directory.Exists(folder) && new[] { "train-images-idx3-ubyte", "train-images-idx3-ubyte.gz" }.Any(f => File.Exists(Path.Combine(folder, f)));
        if (present) return;
        string where = debian ? $"'{folder}' (Debian's {DebianPackage} package)" : $"'{folder}' (--data)";
        throw new DataFileException(folder, DataFileProblem.Missing,
            $"vpf demo --full needs the full Fashion-MNIST training set (train-images-idx3-ubyte, optionally .gz, with the other three MNIST-format files) in {where}, " +
            $"which {(Directory.Exists(folder) ? "has no train-images-idx3-ubyte" : "does not exist")}. Install it with 'apt-get install {DebianPackage}' " +
            $"(it puts the files in {DataSource.DebianFolder}), or pass --data DIR with a folder of MNIST-format files; 'vpf demo' without --full runs on the shipped images.");
    }

    private static List<string> Row(string name, IEnumerable<string> values) => [name, .. values, "—"];

    private sealed record RunRecord(string Method, double Budget, int Epochs, double Seconds, string Model, string? TrainCommand)
    {
        public List<MetricRow> Metrics { get; set; } = [];

        public double EvaluationSeconds { get; set; }

        public string? Evaluation { get; set; }

        /// <summary>Where the method's run diverged, when it did before this budget: the model is its last good one.</summary>
        public string? Diverged { get; init; }
    }
}

/// <summary>The numbers of <c>vpf demo --full</c> (<see cref="EqualTimeDemo.JsonFile"/>).</summary>
/// <param name="Format">"vpf-equal-time/1".</param>
/// <param name="Command">The command line that wrote it.</param>
/// <param name="Data">Where the data came from.</param>
/// <param name="Architecture">The RBM every method trained.</param>
/// <param name="Budgets">The training budgets in seconds, ascending.</param>
/// <param name="Evaluation">How every model was evaluated.</param>
/// <param name="Runs">One per method and budget.</param>
internal sealed record EqualTimeSummary(string Format, string Command, string Data, string Architecture, IReadOnlyList<double> Budgets, string Evaluation,
    IReadOnlyList<EqualTimeRun> Runs);

/// <summary>One method at one budget.</summary>
/// <param name="Method">"CD-1", "PCD-1" or "VPF".</param>
/// <param name="Budget">The budget in seconds.</param>
/// <param name="Epochs">Epochs trained when the model was saved.</param>
/// <param name="Seconds">Training seconds when the model was saved (held-out evaluation excluded).</param>
/// <param name="EvaluationSeconds">Seconds of its evaluation.</param>
/// <param name="Model">The saved model file.</param>
/// <param name="Evaluation">Its evaluation report (JSON, as <c>vpf evaluate --json</c> writes it).</param>
/// <param name="TrainCommand">The <c>vpf train</c> command that trains it again with this budget.</param>
/// <param name="Metrics">The evaluation's numbers, as in the tables.</param>
/// <param name="Diverged">Where the method's run diverged before this budget (the model is its last good one), else null.</param>
internal sealed record EqualTimeRun(string Method, double Budget, int Epochs, double Seconds, double EvaluationSeconds, string Model, string Evaluation,
    string? TrainCommand, IReadOnlyList<EqualTimeMetric> Metrics, string? Diverged = null);

/// <summary>One number of an evaluation.</summary>
/// <param name="Metric">What is measured.</param>
/// <param name="Value">The value.</param>
/// <param name="Text">As shown in the tables (an AIS value with its ±3σ bounds).</param>
internal sealed record EqualTimeMetric(string Metric, double Value, string Text);
