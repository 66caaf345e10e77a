using System.Text.Json;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

public class EvaluationTests
{
    [Fact]
    public void Evaluate_writes_a_json_report_that_parses_and_holds_finite_numbers()
    {
        using var data = new TinyData();
        string model = data.File("m.vpf"), json = data.File("eval/report.json");
        Assert.Equal(0, CliRunner.Run("train", "--data", data.Folder, "--layers", "6", "--epochs", "2", "--batch-size", "50", "--out", model).Code);
        var (code, output) = CliRunner.Run("evaluate", model, "--data", data.Folder, "--rows", "40", "--ais-runs", "20",
            "--ais-temperatures", "500", "--parzen-chains", "10", "--json", json);
        Assert.True(code == 0, output);
        Assert.Contains("AIS 500 temperatures × 20 runs", output);
        Assert.Contains("Parzen log-likelihood", output);
        Assert.True(File.Exists(json), output);

        string text = File.ReadAllText(json);
        using (var document = JsonDocument.Parse(text))
        {
            var numbers = new List<double>();
            Collect(document.RootElement, numbers);
            Assert.True(numbers.Count > 40, $"only {numbers.Count} numbers");
            Assert.All(numbers, n => Assert.True(double.IsFinite(n)));
        }
        var report = EvaluationReport.FromJson(text);
        Assert.Equal("36-6", report.Model.Architecture);
        Assert.Equal("vpf", report.Model.Training?.Method);
        Assert.Equal(40, report.Data.TestRows);
        Assert.Equal(500, report.LogLikelihood!.Ais!.LogPartition.Temperatures);
        Assert.Equal(20, report.LogLikelihood.Ais.LogPartition.Runs);
        Assert.True(double.IsFinite(report.LogLikelihood.Ais.MeanLogLikelihood));
        Assert.True(double.IsFinite(report.LogLikelihood.Ais.Lower) && double.IsFinite(report.LogLikelihood.Ais.Upper));
        Assert.NotNull(report.LogLikelihood.Exact); // 6 hidden units: enumerated
        Assert.InRange(report.LogLikelihood.Ais.MeanLogLikelihood - report.LogLikelihood.Exact!.MeanLogLikelihood, -0.5, 0.5);
        Assert.NotNull(report.Parzen);
        Assert.NotNull(report.LinearProbe);
        Assert.Equal(2, report.Reconstruction!.Corruptions.Count);
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
        var image = PngImage.Decode(File.ReadAllBytes(png));
        Assert.True(image.Width > 0 && image.Height > 0);

        // Seeded: the same command draws the same picture.
        string again = data.File("lat2.png");
        Assert.Equal(0, CliRunner.Run("sample", model, "--count", "6", "--sweeps", "30", "--seed", "2", "--out", again).Code);
        Assert.Equal(File.ReadAllBytes(png), File.ReadAllBytes(again));
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
