using System.Text.Json;
using Vpf.Cli.Reporting;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

public class EvaluationTests
{
    [Fact]
    public void Evaluate_reports_the_exact_likelihood_and_reconstruction_of_a_small_rbm_in_its_json()
    {
        using var data = new TinyData();
        string model = data.File("m.vpf"), json = data.File("eval/report.json");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--layers", "6", "--epochs", "2", "--batch-size", "50", "--out", model).Code);
        var (code, output) = CliRunner.Run("evaluate", model, "--data", data.Folder, "--rows", "40", "--ais-runs", "20",
            "--ais-temperatures", "500", "--parzen-chains", "10", "--json", json);
        Assert.True(code == 0, output);
        Assert.Contains("AIS 500 temperatures × 20 runs", output);
        Assert.True(File.Exists(json), output);

        string text = File.ReadAllText(json);
        using (var document = JsonDocument.Parse(text))
        {
            var numbers = new List<double>();
            Collect(document.RootElement, numbers);
            Assert.All(numbers, n => Assert.True(double.IsFinite(n)));
        }
        var report = EvaluationReport.FromJson(text);
        Assert.Equal("36-6", report.Model.Architecture);
        Assert.Equal("vpf", report.Model.Training?.Method);
        Assert.Equal(40, report.Data.TestRows);
        Assert.Equal(500, report.LogLikelihood!.Ais!.LogPartition.Temperatures);
        Assert.Equal(20, report.LogLikelihood.Ais.LogPartition.Runs);
        Assert.Equal(2, report.Reconstruction!.Corruptions.Count);

        // Known answers, computed here from the saved parameters and the IDX bytes: log Z and the mean log p(v) of the
        // first 40 test images by enumerating the 2^6 hidden states; the reconstruction cross-entropy through the
        // RBM's exact posterior rates (float arithmetic in the library: 1e-5 relative).
        var rbm = ModelFile.Load(model);
        var rows = TinyOracles.Images(data.File("t10k-images-idx3-ubyte"), 40);
        double logZ = TinyOracles.RbmLogPartition(rbm), expected = TinyOracles.RbmMeanLogLikelihood(rbm, rows);
        var exact = report.LogLikelihood.Exact!;
        Assert.Equal(logZ, exact.LogPartition, 1e-9 * Math.Abs(logZ));
        Assert.Equal(expected, exact.MeanLogLikelihood, 1e-9 * Math.Abs(expected));
        double crossEntropy = TinyOracles.RbmReconstructionCrossEntropy(rbm, rows);
        Assert.Equal(crossEntropy, report.HeldOut!.ReconstructionCrossEntropy!.Value, 1e-5 * crossEntropy);
        // AIS is an estimate of the same log p(v): within its own interval's neighbourhood of the exact value.
        var ais = report.LogLikelihood.Ais;
        Assert.InRange(ais.MeanLogLikelihood - expected, -0.5, 0.5);
        Assert.True(ais.Lower <= ais.MeanLogLikelihood && ais.MeanLogLikelihood <= ais.Upper, $"{ais.Lower} ≤ {ais.MeanLogLikelihood} ≤ {ais.Upper}");
        // The printed table carries the same exact value.
        Assert.Contains(ModelEvaluation.Format(exact.MeanLogLikelihood), output);
    }

    [Fact]
    public void Sample_draws_from_a_model_with_lateral_weights()
    {
        using var data = new TinyData();
        string model = data.File("lat.vpf"), png = data.File("lat.png");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--layers", "8,4", "--lateral", "1", "--epochs", "1", "--sweeps", "3",
            "--out", model).Code);
        Assert.True(ModelFile.Load(model).Architecture.HasLateral[1]);
        var (code, output) = CliRunner.Run("sample", model, "--count", "6", "--sweeps", "30", "--seed", "2", "--out", png);
        Assert.True(code == 0, output);
        // The picture is the library's samples of the same seed, tiled as the grid writer lays them out.
        var expected = ModelSamples.Draw(ModelFile.Load(model), 6, 30, 2);
        AssertGrid(expected, 6, PngImage.Decode(File.ReadAllBytes(png)));

        // Seeded: the same command draws the same picture.
        string again = data.File("lat2.png");
        Assert.Equal(0, CliRunner.Run("sample", model, "--count", "6", "--sweeps", "30", "--seed", "2", "--out", again).Code);
        Assert.Equal(File.ReadAllBytes(png), File.ReadAllBytes(again));
    }

    /// <summary>
    /// The PNG holds <paramref name="count"/> 6×6 tiles of <paramref name="values"/> (grey = round(255·value)) in one row of
    /// up to 8 columns, two pixels per value, with one-value black gaps.
    /// </summary>
    internal static void AssertGrid(float[] values, int count, PngImage image)
    {
        const int side = TinyData.Side, scale = 2;
        int columns = Math.Min(8, count), gridRows = (count + columns - 1) / columns;
        Assert.Equal((columns * (side + 1) + 1) * scale, image.Width);
        Assert.Equal((gridRows * (side + 1) + 1) * scale, image.Height);
        for (int t = 0; t < count; t++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    uint grey = (uint)Math.Round(255 * Math.Clamp(values[t * side * side + y * side + x], 0f, 1f));
                    int px = ((t % columns) * (side + 1) + 1 + x) * scale, py = ((t / columns) * (side + 1) + 1 + y) * scale;
                    Assert.Equal(grey * 0x010101u, image.Pixels[py * image.Width + px] & 0xFFFFFFu);
                }
    }

    private static void Collect(JsonElement element, List<double> numbers)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject()) Collect(p.Value, numbers);
                break;
            case JsonValueKind.Array:
                foreach (var e in element.EnumerateArray()) Collect(e, numbers);
                break;
            case JsonValueKind.Number:
                numbers.Add(element.GetDouble());
                break;
            case JsonValueKind.String when element.GetString() is "NaN" or "Infinity" or "-Infinity":
                numbers.Add(double.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
