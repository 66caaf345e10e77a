using System.Globalization;
using System.Text;
using Vpf.Cli.Commands;
using Vpf.Cli.Reporting;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

/// <summary>A temporary folder with a numeric table: 200 rows of 8 columns around two prototypes, on a scale far from unit variance.</summary>
internal sealed class TinyTable : IDisposable
{
    public const int Rows = 200, Columns = 8;

    public TinyTable()
    {
        Folder = Path.Combine(Path.GetTempPath(), "vpf-cli-table-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        var rng = new Random(11);
        var text = new StringBuilder("x1,x2,x3,x4,class,x5,x6,x7,x8\n");
        for (int r = 0; r < Rows; r++)
        {
            int k = rng.Next(2);
            var values = Enumerable.Range(0, Columns).Select(c => 10 + 3 * ((c + k) % 2 == 0 ? 1 : -1) * (c + 1) / 4.0 + rng.NextDouble() - 0.5);
            var cells = values.Select(v => v.ToString("F4", CultureInfo.InvariantCulture)).ToList();
            cells.Insert(4, k == 0 ? "coat" : "shirt");
            text.Append(string.Join(',', cells)).Append('\n');
        }
        System.IO.File.WriteAllText(Csv, text.ToString());
    }

    public string Folder { get; }

    public string Csv => File("table.csv");

    public string File(string name) => Path.Combine(Folder, name);

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary><c>vpf train --visible gaussian</c> on tables and grey levels, and what the other commands make of such models.</summary>
public class GaussianCliTests
{
    private static string[] TrainArgs(TinyTable table, string method, string output) =>
        ["train", "--visible", "gaussian", "--data-csv", table.Csv, "--label-column", "class", "--method", method, "--layers", "5",
         "--epochs", "2", "--batch-size", "20", "--seed", "3", "--threads", "1", "--out", output];

    [Theory]
    [InlineData("vpf")]
    [InlineData("cd")]
    public void A_table_trains_a_Gaussian_model_storing_the_standardisation_of_its_training_rows_and_the_printed_command_repeats_it(string method)
    {
        using var table = new TinyTable();
        string first = table.File("first.vpf"), second = table.File("second.vpf");
        var (code, output) = CliRunner.Run(TrainArgs(table, method, first));
        Assert.True(code == 0, output);
        Assert.Contains("160/40", output);
        Assert.Contains(method == "cd" ? "reconstruction squared error" : " K ", output);

        var (model, info) = ModelFile.LoadWithInfo(first);
        Assert.Equal(VisibleUnitKind.Gaussian, model.Architecture.VisibleUnits);
        Assert.Equal([8, 5], model.Architecture.LayerSizes);
        var expected = Standardisation.Fit(CsvTable.Load(table.Csv, new CsvOptions { LabelColumn = "class" }).Data.Subset(0, 160));
        Assert.Equal(expected.Means, info.Standardisation!.Means);
        Assert.Equal(expected.Scales, info.Standardisation.Scales);
        Assert.Equal("1.2.0", info.FormatVersion);

        (code, output) = CliRunner.Run("info", first);
        Assert.True(code == 0, output);
        Assert.Contains("Gaussian (unit variance, real values)", output);
        Assert.Contains("stored: 8 column means and scales", output);
        Assert.Contains("1.2.0", output);
        var printed = output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith("vpf train ", StringComparison.Ordinal));
        Assert.Equal(info.TrainCommand, printed);
        Assert.Contains($"--visible gaussian", printed);
        Assert.Contains($"--data-csv {table.Csv} --label-column class", printed);

        (code, output) = CliRunner.Run([.. TrainCommandTests.ShellWords(printed).Skip(1), "--threads", "1", "--out", second]);
        Assert.True(code == 0, output);
        var (again, againInfo) = ModelFile.LoadWithInfo(second);
        Assert.Equal(model.Parameters.Tensors.SelectMany(t => t).Select(BitConverter.SingleToInt32Bits),
            again.Parameters.Tensors.SelectMany(t => t).Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(info.Standardisation.Scales, againInfo.Standardisation!.Scales);
    }

    [Fact]
    public void Samples_of_a_table_model_are_a_csv_of_values_on_the_data_scale()
    {
        using var table = new TinyTable();
        string modelPath = table.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(TrainArgs(table, "vpf", modelPath)).Code);
        var (code, output) = CliRunner.Run("sample", modelPath, "--count", "3", "--sweeps", "5", "--seed", "2", "--threads", "1",
            "--out", table.File("s.csv"));
        Assert.True(code == 0, output);

        var (model, info) = ModelFile.LoadWithInfo(modelPath);
        var expected = ModelSamples.Draw(model, 3, 5, 2);
        info.Standardisation!.Invert(expected);
        var lines = File.ReadAllLines(table.File("s.csv"));
        Assert.Equal("sample,x1,x2,x3,x4,x5,x6,x7,x8", lines[0]);
        Assert.Equal(4, lines.Length);
        var read = lines.Skip(1).SelectMany(l => l.Split(',').Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(expected, read);

        // An explicit .png still draws: each sample a strip of 8 grey levels, 2 per row of the grid, scaled 2×.
        (code, output) = CliRunner.Run("sample", modelPath, "--count", "2", "--sweeps", "2", "--out", table.File("s.png"));
        Assert.True(code == 0, output);
        var image = PngImage.Decode(File.ReadAllBytes(table.File("s.png")));
        Assert.Equal(((2 * (8 + 1) + 1) * 2, (1 * (1 + 1) + 1) * 2), (image.Width, image.Height));
    }

    [Fact]
    public void Grey_level_images_train_a_Gaussian_model_whose_samples_are_drawn_as_grey_levels()
    {
        using var data = new TinyData(120, 30);
        string modelPath = data.File("g.vpf"), png = data.File("g.png");
        var (code, output) = CliRunner.Run("train", "--visible", "gaussian", "--data", data.Folder, "--layers", "6", "--epochs", "1",
            "--batch-size", "20", "--threads", "1", "--out", modelPath);
        Assert.True(code == 0, output);
        Assert.Contains("as grey levels", output);
        var (model, info) = ModelFile.LoadWithInfo(modelPath);
        var train = RealDataset.LoadIdx(data.File("train-images-idx3-ubyte"));
        var expected = Standardisation.Fit(train);
        Assert.Equal(expected.Means, info.Standardisation!.Means);

        (code, output) = CliRunner.Run("sample", modelPath, "--count", "1", "--sweeps", "3", "--seed", "4", "--threads", "1", "--out", png);
        Assert.True(code == 0, output);
        var means = ModelSamples.Draw(model, 1, 3, 4);
        info.Standardisation.Invert(means);
        var image = PngImage.Decode(File.ReadAllBytes(png));
        const int scale = 2, side = TinyData.Side;
        int width = (side + 2) * scale; // one tile with a one-pixel gap on each side
        Assert.Equal(width, image.Width);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                uint grey = (uint)Math.Round(255 * Math.Clamp(means[y * side + x], 0f, 1f));
                Assert.Equal(grey * 0x010101u, image.Pixels[((1 + y) * scale) * width + (1 + x) * scale]);
            }
    }

    [Fact]
    public void An_interrupted_Gaussian_run_resumes_to_the_uninterrupted_model()
    {
        using var table = new TinyTable();
        string reference = table.File("reference.vpf"), resumed = table.File("resumed.vpf");
        Assert.Equal(0, CliRunner.Run(TrainArgs(table, "vpf", reference)).Code);
        using var cts = new CancellationTokenSource();
        int batches = 0;
        var hooks = new CliHooks { AfterBatch = _ => { if (++batches == 11) cts.Cancel(); } };
        var (code, output) = CliRunner.Run(hooks, cts.Token, TrainArgs(table, "vpf", resumed));
        Assert.Equal(ExitCodes.Interrupted, code);
        (code, output) = CliRunner.Run([.. TrainArgs(table, "vpf", resumed), "--resume"]);
        Assert.True(code == 0, output);
        Assert.Contains("Resuming", output);
        var a = ModelFile.LoadWithInfo(reference);
        var b = ModelFile.LoadWithInfo(resumed);
        Assert.Equal(a.Model.Parameters.Tensors.SelectMany(t => t), b.Model.Parameters.Tensors.SelectMany(t => t));
        Assert.Equal(a.Info.Standardisation!.Means, b.Info.Standardisation!.Means);
    }

    public static TheoryData<string, string, string[]> BadTables => new()
    {
        { "x1,x2,class\n1,2,a\n3,4,b\n5,oops,a\n", "class", ["'bad.csv'", "line 4", "column 'x2'", "'oops'"] },
        { "x1,x2,class\n1,2,a\n3,4\n", "class", ["'bad.csv'", "line 3 has 2 field(s)"] },
        { "x1,x2,label\n1,2,a\n3,4,b\n", "class", ["'bad.csv'", "no column 'class'", "'x1', 'x2', 'label'"] },
        { "x1,x2,class\n1,Infinity,a\n3,4,b\n", "class", ["line 2", "column 'x2'", "'Infinity'"] },
        { "x1,x2,class\n", "class", ["'bad.csv'", "no data rows"] },
    };

    [Theory]
    [MemberData(nameof(BadTables))]
    public void A_bad_table_is_exit_3_naming_the_file_line_and_column(string text, string label, string[] parts)
    {
        using var table = new TinyTable();
        string bad = table.File("bad.csv");
        File.WriteAllText(bad, text);
        var (code, output) = CliRunner.Run("train", "--visible", "gaussian", "--data-csv", bad, "--label-column", label, "--out", table.File("m.vpf"));
        Assert.Equal(ExitCodes.DataFile, code);
        foreach (string part in parts) Assert.Contains(part, output);
        Assert.DoesNotContain("   at ", output);
        Assert.False(File.Exists(table.File("m.vpf")));
    }

    [Theory]
    [InlineData("--method mpf", "--method: 'mpf' does not train Gaussian visible units")]
    [InlineData("--visible normal", "--visible: expected binary or gaussian; got 'normal'")]
    [InlineData("--csv-separator pipe", "--csv-separator: expected comma, semicolon or tab")]
    public void Options_that_do_not_fit_a_Gaussian_table_are_usage_errors(string extra, string message)
    {
        using var table = new TinyTable();
        string[] args = ["train", "--visible", "gaussian", "--data-csv", table.Csv, "--label-column", "class", "--out", table.File("m.vpf"), .. extra.Split(' ')];
        var (code, output) = CliRunner.Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void Real_values_for_binary_units_and_mixed_data_sources_are_usage_errors()
    {
        using var table = new TinyTable();
        var (code, output) = CliRunner.Run("train", "--data-csv", table.Csv, "--label-column", "class", "--out", table.File("m.vpf"));
        Assert.Equal((ExitCodes.Usage, true), (code, output.Contains("--visible: the data", StringComparison.Ordinal)));
        (code, output) = CliRunner.Run("train", "--data-csv", table.Csv, "--data", table.Folder, "--out", table.File("m.vpf"));
        Assert.Equal((ExitCodes.Usage, true), (code, output.Contains("--data-csv: cannot be combined with --data", StringComparison.Ordinal)));
        string before = File.ReadAllText(table.Csv);
        (code, output) = CliRunner.Run("train", "--visible", "gaussian", "--data-csv", table.Csv, "--label-column", "class", "--out", table.Csv);
        Assert.Equal((ExitCodes.Usage, true), (code, output.Contains("is also an input of this command", StringComparison.Ordinal)));
        Assert.Equal(before, File.ReadAllText(table.Csv));
        (code, output) = CliRunner.Run("train", "--label-column", "class", "--out", table.File("m.vpf"));
        Assert.Equal((ExitCodes.Usage, true), (code, output.Contains("--label-column: applies to --data-csv only", StringComparison.Ordinal)));
    }

    [Fact]
    public void Evaluate_reads_the_table_through_the_stored_standardisation_and_reports_both_scales()
    {
        using var table = new TinyTable();
        string modelPath = table.File("m.vpf"), json = table.File("e.json");
        Assert.Equal(0, CliRunner.Run(TrainArgs(table, "cd", modelPath)).Code);
        var (code, output) = CliRunner.Run("evaluate", modelPath, "--data-csv", table.Csv, "--label-column", "class", "--ais-runs", "0",
            "--threads", "1", "--json", json);
        Assert.True(code == 0, output);
        Assert.Contains("squared", output); // the table wraps its rows: the whole names are checked in the JSON below
        Assert.Contains("data's", output);
        // Rows of a table are not images: the Gaussian model's labels say so, and the probe's baseline is the raw inputs.
        Assert.Contains("nats/row", output);
        Assert.DoesNotContain("nats/image", output);
        Assert.Contains("raw inputs", output);

        // The data-scale likelihood is the standardised one minus Σ log s of the stored standardisation (vpf-math.md §9).
        var report = Core.Evaluation.Report.EvaluationReport.FromJson(File.ReadAllText(json));
        var info = ModelFile.LoadWithInfo(modelPath).Info;
        var ll = report.LogLikelihood!;
        Assert.Equal(info.Standardisation!.LogDeterminant, ll.DataScale!.LogDeterminant, 12);
        Assert.Equal(ll.Exact!.MeanLogLikelihood - info.Standardisation.LogDeterminant, ll.DataScale.Exact!.Value, 9);
        Assert.Equal(40, ll.Rows);
        Assert.Equal(["add Gaussian noise (σ = 0.5)", "hide 25% of values"], report.Denoising!.Corruptions.Select(c => c.Corruption));
    }

    [Fact]
    public void Reconstructions_of_a_table_are_a_csv_whose_clean_rows_are_the_held_out_rows()
    {
        using var table = new TinyTable();
        string modelPath = table.File("m.vpf"), csv = table.File("r.csv");
        Assert.Equal(0, CliRunner.Run(TrainArgs(table, "vpf", modelPath)).Code);
        var (code, output) = CliRunner.Run("reconstruct", modelPath, "--data-csv", table.Csv, "--label-column", "class", "--count", "2",
            "--threads", "1", "--out", csv);
        Assert.True(code == 0, output);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("row,corruption,version,x1,x2,x3,x4,x5,x6,x7,x8", lines[0]);
        var held = CsvTable.Load(table.Csv, new CsvOptions { LabelColumn = "class" }).Data.Subset(160, 2);
        var clean = lines.Skip(1).Where(l => l.Contains(",clean,", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, clean.Count);
        for (int r = 0; r < 2; r++)
        {
            var values = clean[r].Split(',').Skip(3).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int c = 0; c < 8; c++) Assert.Equal(held[r, c], values[c], 1e-4f);
        }
        Assert.Equal(1 + 2 * (1 + 2 * 2), lines.Length); // per row: clean, then corrupted and reconstructed for noise and hidden values
    }

    [Fact]
    public void A_report_puts_a_Gaussian_model_of_a_table_beside_its_command()
    {
        using var table = new TinyTable();
        string modelPath = table.File("m.vpf"), html = table.File("r.html");
        Assert.Equal(0, CliRunner.Run(TrainArgs(table, "vpf", modelPath)).Code);
        var (code, output) = CliRunner.Run("report", modelPath, "--data-csv", table.Csv, "--label-column", "class", "--ais-runs", "0",
            "--sample-sweeps", "5", "--threads", "1", "--out", html);
        Assert.True(code == 0, output);
        string page = File.ReadAllText(html);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(ModelFile.LoadWithInfo(modelPath).Info.TrainCommand!), page);
        Assert.Contains("hide 25% of values: squared error on corrupted values", page);
    }
}
