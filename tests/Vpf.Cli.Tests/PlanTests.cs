using System.Reflection;
using Spectre.Console.Cli;
using Vpf.Cli.Commands;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli.Tests;

/// <summary>The command line is an adapter over Core's training plan: Core validates, the CLI names its flags.</summary>
public class PlanTests
{
    [Theory]
    [InlineData("--epochs", "0")]
    [InlineData("--batch-size", "0")]
    [InlineData("--learning-rate", "-1")]
    [InlineData("--learning-rate", "NaN")]
    [InlineData("--weight-decay", "-0.5")]
    [InlineData("--sweeps", "-1")]
    [InlineData("--cd-steps", "0", "--method", "cd")]
    [InlineData("--cd-steps", "0", "--method", "pcd")]
    [InlineData("--method", "mpf", "--layers", "8")]
    [InlineData("--method", "dbm-pcd-2")]
    public void Each_value_core_rejects_is_reported_with_its_flag(string flag, string value, params string[] more)
    {
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run(["train", "--data", data.Folder, flag, value, .. more, "--out", data.File("m.vpf")]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"error: {flag}: ", output);
        Assert.DoesNotContain("TrainingOptions", output);
        Assert.DoesNotContain("Method.", output);
        Assert.False(File.Exists(data.File("m.vpf")));
    }

    [Fact]
    public void The_flag_table_names_only_flags_that_vpf_train_has()
    {
        var flags = typeof(TrainSettings).GetProperties()
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .Where(a => a is not null)
            .SelectMany(a => a!.LongNames.Select(n => "--" + n))
            .ToHashSet();
        Assert.All(PlanFlags.Table.Values, flag => Assert.Contains(flag, flags));
        Assert.Equal("--epochs", PlanFlags.Flag("TrainingOptions.Epochs"));
        Assert.Equal("Initialisation.WeightScale", PlanFlags.Flag("Initialisation.WeightScale")); // no flag: Core's name
    }

    [Fact]
    public void Pcd_on_a_deep_machine_trains_and_records_dbm_pcd()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--method", "pcd", "--layers", "8,4", "--epochs", "1", "--out", model);
        Assert.True(code == 0, output);
        Assert.Contains("dbm-pcd", output);
        var info = ModelFile.LoadWithInfo(model).Info;
        Assert.Equal("dbm-pcd", info.TrainingMethod);
        Assert.IsType<DbmPcdMethod>(info.ReadTrainingMethod());

        (code, output) = CliRunner.Run("train", "--data", data.Folder, "--method", "cd", "--cd-steps", "2", "--layers", "8", "--epochs", "1", "--out", model);
        Assert.True(code == 0, output);
        Assert.Equal(new CdMethod { Steps = 2 }, ModelFile.LoadWithInfo(model).Info.ReadTrainingMethod());
        // CD's number is a reconstruction cross-entropy: the epoch line names it so rather than K.
        Assert.Contains("epoch 1/1: reconstruction CE ", output);
        Assert.DoesNotContain(" K ", output);
    }

    [Fact]
    public void Evaluate_json_holds_every_number_the_console_prints()
    {
        using var data = new TinyData();
        string model = data.File("m.vpf"), json = data.File("report.json");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--layers", "6", "--epochs", "2", "--batch-size", "50", "--out", model).Code);
        var (code, output) = CliRunner.Run("evaluate", model, "--data", data.Folder, "--rows", "40", "--ais-runs", "10",
            "--ais-temperatures", "200", "--parzen-chains", "10", "--json", json);
        Assert.True(code == 0, output);

        var report = EvaluationReport.FromJson(File.ReadAllText(json));
        Assert.NotNull(report.HeldOut);
        Assert.Equal("vpf", report.HeldOut!.Method);
        var rows = ModelEvaluation.Rows(report).ToList();
        Assert.Contains(rows, r => r.Metric == "held-out K (vpf)");
        Assert.Contains(rows, r => r.Metric == "reconstruction cross-entropy (nats/image)");
        var table = PrintedTable(output);
        Assert.Equal(rows.Select(r => r.Metric), table.Select(t => t.Metric));
        Assert.Equal(rows.Select(r => r.Display), table.Select(t => t.Value));
        Assert.Equal(rows.Select(r => r.BaselineText), table.Select(t => t.Baselines));
    }

    /// <summary>The rows of the printed metrics table, cells that wrapped over several lines joined again.</summary>
    private static List<(string Metric, string Value, string Baselines)> PrintedTable(string output)
    {
        var lines = output.Split('\n');
        int header = Array.FindIndex(lines, l => l.TrimStart().StartsWith("metric", StringComparison.Ordinal) && l.Contains("baselines"));
        Assert.True(header >= 0, output);
        string head = lines[header];
        int[] starts = [head.IndexOf("metric", StringComparison.Ordinal), head.IndexOf("model", StringComparison.Ordinal),
            head.IndexOf("baselines", StringComparison.Ordinal), head.IndexOf("how", StringComparison.Ordinal)];
        var rows = new List<string[]>();
        foreach (string line in lines.Skip(header + 2))
        {
            if (line.Trim().Length == 0) break;
            string Cell(int c) => line.Length <= starts[c] ? "" : line[starts[c]..Math.Min(line.Length, c + 1 < starts.Length ? starts[c + 1] : line.Length)].Trim();
            var cells = Enumerable.Range(0, 3).Select(Cell).ToArray();
            if (cells[1].Length > 0) rows.Add(cells);
            else for (int c = 0; c < 3; c++) if (cells[c].Length > 0) rows[^1][c] += " " + cells[c];
        }
        return rows.Select(r => (r[0], r[1], r[2])).ToList();
    }
}
