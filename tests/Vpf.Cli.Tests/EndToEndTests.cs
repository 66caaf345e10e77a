using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Vpf.Cli.Reporting;
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
    public void Evaluate_prints_the_exact_likelihood_and_reconstruction_cross_entropy_of_a_small_rbm()
    {
        using var data = new TinyData();
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--layers", "4", "--epochs", "2", "--batch-size", "50", "--out", model).Code);
        var (code, output) = CliRunner.Run("evaluate", model, "--data", data.Folder, "--rows", "40");
        Assert.True(code == 0, output);
        // Known answers from the saved parameters and the first 40 test images (TinyOracles): the printed values are
        // those numbers rounded to four significant digits.
        var rbm = ModelFile.Load(model);
        var rows = TinyOracles.Images(data.File("t10k-images-idx3-ubyte"), 40);
        AssertPrinted(output, "log-likelihood (nats/image, exact)", TinyOracles.RbmMeanLogLikelihood(rbm, rows));
        AssertPrinted(output, "reconstruction cross-entropy", TinyOracles.RbmReconstructionCrossEntropy(rbm, rows));
    }

    /// <summary>The first number on the line naming <paramref name="metric"/> is <paramref name="expected"/> to its printed precision.</summary>
    private static void AssertPrinted(string output, string metric, double expected)
    {
        var line = output.Split('\n').First(l => l.Contains(metric));
        string text = line[(line.IndexOf(metric, StringComparison.Ordinal) + metric.Length)..];
        var match = Regex.Match(text, @"-?\d+(\.\d+)?");
        Assert.True(match.Success, line);
        double printed = double.Parse(match.Value, CultureInfo.InvariantCulture);
        int decimals = match.Groups[1].Success ? match.Groups[1].Value.Length - 1 : 0;
        Assert.True(Math.Abs(printed - expected) <= 0.5 * Math.Pow(10, -decimals) + 1e-5 * Math.Abs(expected),
            $"{metric}: printed {printed}, expected {expected}: {line}");
    }

    [Fact]
    public void Export_npz_has_the_parameter_arrays_and_info_prints_the_architecture()
    {
        using var data = new TinyData();
        string model = data.File("m.vpf"), npz = data.File("m.npz");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--layers", "36,8,5", "--lateral", "1", "--epochs", "1", "--sweeps", "3", "--out", model).Code);
        var (code, output) = CliRunner.Run("export", model, "--format", "npz", "--out", npz);
        Assert.True(code == 0, output);
        var saved = ModelFile.Load(model);
        using (var zip = ZipFile.OpenRead(npz))
        {
            var names = zip.Entries.Select(e => e.FullName).Order().ToArray();
            Assert.Contains(names, n => n.StartsWith('L'));
            // Each array holds the model's parameters bit for bit, in the model's shape.
            AssertNpy(zip, "W0.npy", [36, 8], saved.Weights(0));
            AssertNpy(zip, "W1.npy", [8, 5], saved.Weights(1));
            AssertNpy(zip, "b0.npy", [36], saved.Biases(0));
            AssertNpy(zip, "b2.npy", [5], saved.Biases(2));
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
        EvaluationTests.AssertGrid(ModelSamples.Draw(ModelFile.Load(model), 8, 20, 1), 8, PngImage.Decode(File.ReadAllBytes(data.File("s.png"))));
        (code, output) = CliRunner.Run("reconstruct", model, "--data", data.Folder, "--count", "4", "--out", data.File("r.png"));
        Assert.True(code == 0, output);
        Assert.True(File.Exists(data.File("r.png")));
    }

    /// <summary>An .npy entry (format 1.0, little-endian float32, C order) with the given shape and exactly these values.</summary>
    private static void AssertNpy(ZipArchive zip, string name, int[] shape, float[] expected)
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        byte[] bytes = memory.ToArray();
        Assert.Equal("\x93NUMPY", System.Text.Encoding.Latin1.GetString(bytes, 0, 6));
        int headerLength = bytes[8] | bytes[9] << 8;
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.Contains("'<f4'", header);
        Assert.Contains("'fortran_order': False", header);
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        Assert.Contains($"'shape': {shapeText}", header);
        var values = new float[(bytes.Length - 10 - headerLength) / 4];
        Buffer.BlockCopy(bytes, 10 + headerLength, values, 0, values.Length * 4);
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), values.Select(BitConverter.SingleToInt32Bits));
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
