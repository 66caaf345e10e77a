using System.Globalization;
using Vpf.Cli.Commands;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

public class EqualTimeDemoTests
{
    private static readonly string[] Methods = ["CD-1", "PCD-1", "VPF"];
    private static readonly double[] Budgets = [0.3, 0.6];

    [Fact]
    public void Full_demo_saves_every_method_at_every_budget_and_its_numbers_are_what_vpf_evaluate_gives_for_the_saved_model()
    {
        using var data = new TinyData(train: 400, test: 80);
        string output = data.File("out");
        var (code, text) = CliRunner.Run("demo", "--full", "--data", data.Folder, "--budgets", "0.6,0.3", "--hidden", "8", "--rows", "40",
            "--ais-runs", "10", "--ais-temperatures", "40", "--threads", "1", "--out", output);
        Assert.True(code == ExitCodes.Success, text);

        var summary = EqualTimeDemo.ReadSummary(Path.Combine(output, EqualTimeDemo.JsonFile));
        Assert.Equal(Budgets, summary.Budgets);
        Assert.Equal(Methods.Length * Budgets.Length, summary.Runs.Count);
        string markdown = File.ReadAllText(Path.Combine(output, EqualTimeDemo.MarkdownFile));
        foreach (double budget in Budgets)
            Assert.Contains($"## Budget {budget.ToString(CultureInfo.InvariantCulture)} s", markdown);

        foreach (string method in Methods)
            foreach (double budget in Budgets)
            {
                var run = Assert.Single(summary.Runs, r => r.Method == method && r.Budget == budget);
                var (_, info) = ModelFile.LoadWithInfo(run.Model);
                var curve = TrainingRun.ReadCurve(info);
                Assert.Equal(run.Epochs, info.EpochsCompleted);
                Assert.Equal(run.Epochs, curve[^1].Epoch);
                // Saved at the end of the first epoch that reached the budget: the epoch before had not reached it, so the
                // seconds trained are at most the budget plus the last epoch (a run that used up its epochs stops earlier).
                double lastEpoch = curve[^1].Seconds - (curve.Count > 1 ? curve[^2].Seconds : 0);
                if (curve.Count > 1) Assert.True(curve[^2].Seconds < budget, $"{method} {budget} s: epoch {curve[^2].Epoch} had already reached it");
                Assert.True(run.Seconds <= budget + lastEpoch + 0.05, $"{method} {budget} s: {run.Seconds} s trained, last epoch {lastEpoch} s");
                Assert.True(run.Seconds >= budget || run.Epochs == EqualTimeDemo.MaxEpochs, $"{method} {budget} s: stopped at {run.Seconds} s");
                Assert.Contains($"--time-budget {budget.ToString(CultureInfo.InvariantCulture)}", run.TrainCommand);
                Assert.Equal(run.TrainCommand, info.TrainCommand);

                // The oracle: 'vpf evaluate' of the saved file with the same evaluation settings gives the same report
                // (timings apart) and every number of the demo's tables.
                string json = data.File($"oracle-{DemoCommand.JsonName(method)}-{budget.ToString(CultureInfo.InvariantCulture)}.json");
                var (evaluateCode, evaluateText) = CliRunner.Run("evaluate", run.Model, "--data", data.Folder, "--rows", "40", "--ais-runs", "10",
                    "--ais-temperatures", "40", "--parzen-chains", "0", "--flip-fractions", "0.1,0.2", "--threads", "1", "--json", json);
                Assert.True(evaluateCode == ExitCodes.Success, evaluateText);
                var oracle = EvaluationReport.FromJson(File.ReadAllText(json));
                var demo = EvaluationReport.FromJson(File.ReadAllText(run.Evaluation));
                Assert.Equal(oracle.WithoutTimings().ToJson(), demo.WithoutTimings().ToJson());
                var oracleRows = ModelEvaluation.Rows(oracle).ToDictionary(r => r.Metric, r => r.Value);
                Assert.Contains(run.Metrics, m => m.Metric.StartsWith("flip 20% of pixels: pixel error", StringComparison.Ordinal));
                Assert.Contains(run.Metrics, m => m.Metric.StartsWith("test log-likelihood (nats/image, AIS", StringComparison.Ordinal));
                Assert.Contains(run.Metrics, m => m.Metric == "linear probe accuracy");
                foreach (var metric in run.Metrics)
                    Assert.Equal(oracleRows[metric.Metric], metric.Value);

                // A model saved on the way is the one 'vpf train' gives for its epochs (the budget only chooses where a
                // run stops, at an epoch's end): the recorded line with the epochs instead of the budget, bit for bit.
                if (budget < Budgets[^1])
                {
                    string retrained = data.File($"again-{DemoCommand.JsonName(method)}.vpf");
                    var args = run.TrainCommand!.Split(' ').Skip(2).ToList(); // after "vpf train"
                    int at = args.IndexOf("--time-budget");
                    args.RemoveRange(at, 2);
                    args[args.IndexOf("--epochs") + 1] = run.Epochs.ToString(CultureInfo.InvariantCulture);
                    var (trainCode, trainText) = CliRunner.Run(["train", .. args, "--threads", "1", "--out", retrained]);
                    Assert.True(trainCode == ExitCodes.Success, trainText);
                    Assert.Equal(Parameters(retrained), Parameters(run.Model));
                }
            }
    }

    private static float[] Parameters(string path) => ModelFile.Load(path).Parameters.Tensors.SelectMany(t => t).ToArray();

    [Fact]
    public void Full_demo_without_the_full_training_set_is_refused_naming_the_folder_and_the_debian_package()
    {
        using var data = new TinyData(train: 10, test: 10);
        string missing = data.File("no-such-folder");
        var (code, text) = CliRunner.Run("demo", "--full", "--data", missing, "--out", data.File("out"));
        text = OneLine(text);
        Assert.Equal(ExitCodes.DataFile, code);
        Assert.Contains(missing, text);
        Assert.Contains("does not exist", text);
        Assert.Contains("apt-get install dataset-fashion-mnist", text);

        // A folder with only the test pair (as the shipped data/fashion-mnist) has no full training set either.
        File.Delete(data.File("train-images-idx3-ubyte"));
        (code, text) = CliRunner.Run("demo", "--full", "--data", data.Folder, "--out", data.File("out"));
        text = OneLine(text);
        Assert.Equal(ExitCodes.DataFile, code);
        Assert.Contains("has no train-images-idx3-ubyte", text);
        Assert.False(Directory.Exists(data.File("out")));
    }

    [Fact]
    public void Without_debians_package_the_refusal_names_its_folder_and_the_package()
    {
        // Debian's own folder cannot be removed here; the check is the same, with the folder it would be.
        string folder = Path.Combine(Path.GetTempPath(), "vpf-no-fashion-mnist-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<Core.Data.DataFileException>(() => EqualTimeDemo.CheckFolder(folder, debian: true));
        Assert.Equal(folder, e.FilePath);
        Assert.Equal(Core.Data.DataFileProblem.Missing, e.Problem);
        Assert.Contains($"'{folder}' (Debian's dataset-fashion-mnist package)", e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains(DataSource.DebianFolder, e.Message);
    }

    // The console wraps long messages at spaces.
    private static string OneLine(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [Theory]
    [InlineData("--budgets", "0,1", "--full")]
    [InlineData("--budgets", "60,60", "--full")]
    [InlineData("--epochs", "5", "--full")]
    [InlineData("--budgets", "60", null)]
    public void Options_that_do_not_fit_the_protocol_are_usage_errors_naming_the_option(string option, string value, string? full)
    {
        using var data = new TinyData(train: 10, test: 10);
        string[] args = full is null ? ["demo", option, value, "--data", data.Folder] : ["demo", full, "--data", data.Folder, option, value];
        var (code, text) = CliRunner.Run([.. args, "--out", data.File("out")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(option, text);
    }
}
