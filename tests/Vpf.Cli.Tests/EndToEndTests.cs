using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

public class EndToEndTests
{
    [Fact]
    public void Train_evaluate_export_info_on_tiny_data()
    {
        using var data = new TinyData();
        string model = data.File("m.vpf");
        var (code, output) = CliRunner.Run("train", "--data", data.Folder, "--layers", "8", "--epochs", "3", "--batch-size", "20",
            "--learning-rate", "0.01", "--out", model, "--seed", "3", "--threads", "1");
        Assert.True(code == 0, output);
        Assert.Contains("epoch 3/3", output);
        Assert.True(File.Exists(model));
        Assert.False(File.Exists(CheckpointFile.PathFor(model)));
        var (loaded, info) = ModelFile.LoadWithInfo(model);
        Assert.Equal([36, 8], loaded.Architecture.LayerSizes);
        Assert.Equal("vpf", info.TrainingMethod);
        Assert.Equal(3, info.EpochsCompleted);

        (code, output) = CliRunner.Run("evaluate", model, "--data", data.Folder);
        Assert.True(code == 0, output);
        Assert.Contains("reconstruction cross-entropy", output);
        Assert.Contains("linear probe accuracy", output);
    }

    [Fact]
    public void Evaluate_prints_finite_numbers_and_exact_likelihood_for_small_models()
    {
        using var data = new TinyData();
        // 16-pixel images: crop to a 4×4 data set is not possible with IDX, so train a small RBM on the tiny 6×6 data
        // and check every printed number is finite.
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--layers", "4", "--epochs", "2", "--batch-size", "50", "--out", model).Code);
        var (code, output) = CliRunner.Run("evaluate", model, "--data", data.Folder, "--rows", "40");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("NaN", output);
        Assert.DoesNotContain("∞", output);
        var line = output.Split('\n').First(l => l.Contains("reconstruction cross-entropy"));
        var numbers = Regex.Matches(line, @"\d+\.\d+").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(numbers.Count >= 2, line);
        Assert.All(numbers, n => Assert.True(double.IsFinite(n) && n > 0));
    }

    [Fact]
    public void Export_npz_has_the_parameter_arrays_and_info_prints_the_architecture()
    {
        using var data = new TinyData();
        string model = data.File("m.vpf"), npz = data.File("m.npz");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--layers", "36,8,5", "--lateral", "1", "--epochs", "1", "--sweeps", "3", "--out", model).Code);
        var (code, output) = CliRunner.Run("export", model, "--format", "npz", "--out", npz);
        Assert.True(code == 0, output);
        using (var zip = ZipFile.OpenRead(npz))
        {
            var names = zip.Entries.Select(e => e.FullName).Order().ToArray();
            Assert.Contains("W0.npy", names);
            Assert.Contains("W1.npy", names);
            Assert.Contains("b0.npy", names);
            Assert.Contains("b2.npy", names);
            Assert.Contains(names, n => n.StartsWith('L'));
        }
        (code, output) = CliRunner.Run("export", model, "--format", "onnx", "--out", data.File("m.onnx"));
        Assert.True(code == 0, output);
        Assert.True(new FileInfo(data.File("m.onnx")).Length > 36 * 8 * 4);

        (code, output) = CliRunner.Run("info", model);
        Assert.True(code == 0, output);
        Assert.Contains("36, 8, 5", output);
        Assert.Contains("layer 1", output);
        Assert.Contains("vpf", output);

        (code, output) = CliRunner.Run("info");
        Assert.True(code == 0, output);
        Assert.Contains("full Fashion-MNIST", output);
    }

    [Fact]
    public void Sample_and_reconstruct_write_png_files()
    {
        using var data = new TinyData();
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--method", "cd", "--optimiser", "sgd", "--learning-rate", "0.05",
            "--layers", "8", "--epochs", "2", "--out", model).Code);
        var (code, output) = CliRunner.Run("sample", model, "--count", "8", "--sweeps", "20", "--out", data.File("s.png"));
        Assert.True(code == 0, output);
        Assert.True(PngImage.Decode(File.ReadAllBytes(data.File("s.png"))).Width > 0);
        (code, output) = CliRunner.Run("reconstruct", model, "--data", data.Folder, "--count", "4", "--out", data.File("r.png"));
        Assert.True(code == 0, output);
        Assert.True(File.Exists(data.File("r.png")));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("evaluate")]
    [InlineData("sample")]
    [InlineData("reconstruct")]
    [InlineData("export")]
    [InlineData("report")]
    [InlineData("info")]
    [InlineData("demo")]
    public void Every_subcommand_has_help(string command)
    {
        var (code, output) = CliRunner.Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("USAGE", output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(command, output);
    }
}
