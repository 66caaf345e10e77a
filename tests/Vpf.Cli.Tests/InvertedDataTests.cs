using Vpf.Core.Evaluation.Report;
using Vpf.Core.Persistence;
using Vpf.Core.Reconstruction;

namespace Vpf.Cli.Tests;

/// <summary><c>--inverted</c>: the same images at the other polarity, for every command that reads data.</summary>
public class InvertedDataTests
{
    [Fact]
    public void Train_with_inverted_records_it_in_the_data_note_and_the_printed_command_and_evaluate_sees_the_flipped_images()
    {
        using var data = new TinyData(train: 120, test: 40);
        string model = data.File("inverted.vpf");
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--inverted", "--layers", $"{TinyData.Side * TinyData.Side},4",
            "--epochs", "1", "--threads", "1", "--out", model);
        Assert.True(code == ExitCodes.Success, output);
        var (_, info) = ModelFile.LoadWithInfo(model);
        Assert.EndsWith("every pixel inverted (x → 1 − x)", info.Notes[TrainingRun.DataNote], StringComparison.Ordinal);
        (code, output) = CliRunner.Run("info", model);
        Assert.True(code == ExitCodes.Success, output);
        var printed = output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith("vpf train ", StringComparison.Ordinal));
        Assert.Equal(info.TrainCommand, printed);
        Assert.EndsWith(" --inverted", printed, StringComparison.Ordinal);

        // Hiding the bottom half leaves those pixels off; left as it is, the corrupted input is wrong on exactly the hidden
        // pixels that are on, so on the inverted images its error is one minus the plain images' error.
        double HiddenHalfInputError(bool inverted)
        {
            string json = data.File($"evaluation-{inverted}.json");
            string[] args = ["evaluate", model, "--data", data.Folder, "--ais-runs", "0", "--parzen-chains", "0", "--threads", "1", "--json", json];
            var (evaluateCode, evaluateText) = CliRunner.Run(inverted ? [.. args, "--inverted"] : args);
            Assert.True(evaluateCode == ExitCodes.Success, evaluateText);
            var report = EvaluationReport.FromJson(File.ReadAllText(json));
            return report.Reconstruction!.Corruptions.Single(c => c.Kind == CorruptionKind.Occlusion && c.Corruption.Contains("bottom", StringComparison.Ordinal))
                .CorruptedInput.ErrorOnCorrupted;
        }
        double plain = HiddenHalfInputError(false), flipped = HiddenHalfInputError(true);
        Assert.InRange(plain, 0.05, 0.95);
        Assert.Equal(1 - plain, flipped, 12);
    }

    [Fact]
    public void Inverted_is_refused_for_tables_and_for_Gaussian_visible_units_naming_the_flag()
    {
        using var table = new TinyTable();
        var (code, output) = CliRunner.Run("train", "--data-csv", table.Csv, "--inverted", "--layers", "4", "--epochs", "1", "--out", table.File("t.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--inverted", output);
        Assert.Contains("no polarity", output);

        using var data = new TinyData(train: 40, test: 10);
        (code, output) = CliRunner.Run("train", "--data", data.Folder, "--visible", "gaussian", "--inverted", "--layers", "36,4", "--epochs", "1",
            "--out", data.File("g.vpf"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--inverted", output);
        Assert.Contains("grey levels", output);
        Assert.False(File.Exists(data.File("g.vpf")));
    }

    [Fact]
    public void Full_without_the_installed_data_set_is_a_data_error_naming_the_folder_and_the_package()
    {
        // Only where Debian's package is not installed (as on a fresh CI machine); with it, --full trains.
        if (DataSource.DebianAvailable) return;
        using var data = new TinyData(40, 10);
        var (code, output) = CliRunner.Run("train", "--full", "--layers", "784,4", "--epochs", "1", "--out", data.File("m.vpf"));
        Assert.Equal(ExitCodes.DataFile, code);
        string flat = string.Join(' ', output.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)); // the console wraps long lines
        Assert.Contains(DataSource.DebianFolder, flat);
        Assert.Contains("apt-get install dataset-fashion-mnist", flat);
        Assert.False(File.Exists(data.File("m.vpf")));
    }
}
