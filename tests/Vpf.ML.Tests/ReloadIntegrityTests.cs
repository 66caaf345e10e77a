using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Vpf.Core.Model;
using Vpf.Onnx;

namespace Vpf.ML.Tests;

/// <summary>
/// What a saved pipeline keeps after <c>mlContext.Model.Load</c> in another process: the pixel check with the message it
/// gives before saving (row, column, pixel, value), and — through <see cref="VpfModelOperations.LoadChecked"/> — the
/// refusal of a damaged file, naming it.
/// </summary>
public sealed class ReloadIntegrityTests : IDisposable
{
    private readonly MLContext _mlContext = new(seed: 1);
    private readonly string _folder = Directory.CreateTempSubdirectory("vpf-ml-reload-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (ITransformer Model, IDataView Data, string Zip) SavedPipeline()
    {
        var data = TestData.View(_mlContext, 60, seed: 2);
        var model = _mlContext.Transforms.VpfFeatures("Features", "Pixels", FeaturizerTests.SmallOptions()).Fit(data);
        string zip = Path.Combine(_folder, "pipeline.zip");
        _mlContext.Model.Save(model, data.Schema, zip);
        return (model, data, zip);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(256f)]
    [InlineData(-1f)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(1e30f)]
    public void A_reloaded_pipeline_refuses_a_bad_pixel_naming_the_column_pixel_and_range(float value)
    {
        var (_, data, zip) = SavedPipeline();
        var loaded = new MLContext().Model.Load(zip, out _); // plain Model.Load: ML.NET finds the pixel check of Vpf.ML by itself
        var rows = TestData.Images(5, seed: 2);
        var good = TestData.Column(loaded.Transform(_mlContext.Data.LoadFromEnumerable(rows)), "Features");
        rows[3].Pixels[60] = value;
        var e = Innermost(Assert.ThrowsAny<Exception>(() => TestData.Column(loaded.Transform(_mlContext.Data.LoadFromEnumerable(rows)), "Features")));
        Assert.IsType<InvalidOperationException>(e);
        // The same words as before saving: row, column, pixel, value and range.
        Assert.Equal($"Row 3 of column 'Pixels' has {Shown(value)} at pixel 60; expected intensities in [0, 255] (MaxIntensity).", e.Message);
        Assert.Equal(5, good.Count); // the same rows with the pixel in range transform
    }

    private static string Shown(float value) => float.IsNaN(value) ? "NaN" : value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Before_saving_the_transformer_gives_the_same_message()
    {
        var (model, _, _) = SavedPipeline();
        var rows = TestData.Images(5, seed: 2);
        rows[3].Pixels[60] = 256f;
        var e = Innermost(Assert.ThrowsAny<Exception>(() => TestData.Column(model.Transform(_mlContext.Data.LoadFromEnumerable(rows)), "Features")));
        Assert.Equal("Row 3 of column 'Pixels' has 256 at pixel 60; expected intensities in [0, 255] (MaxIntensity).", e.Message);
    }

    [Fact]
    public void A_reloaded_pipeline_scores_single_rows_with_a_prediction_engine_and_refuses_a_bad_one()
    {
        var (model, data, zip) = SavedPipeline();
        var loaded = new MLContext().Model.Load(zip, out _);
        var rows = TestData.Images(3, seed: 6);
        var expected = TestData.Column(model.Transform(_mlContext.Data.LoadFromEnumerable(rows)), "Features");
        using var engine = _mlContext.Model.CreatePredictionEngine<ImageRow, FeatureRow>(loaded, data.Schema);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(expected[i], engine.Predict(rows[i]).Features);
        rows[1].Pixels[5] = -2f;
        var e = Innermost(Assert.ThrowsAny<Exception>(() => engine.Predict(rows[1])));
        Assert.Equal("Row 3 of column 'Pixels' has -2 at pixel 5; expected intensities in [0, 255] (MaxIntensity).", e.Message); // the engine's fourth row
    }

    [Fact]
    public void The_check_leaves_no_column_of_its_own_before_or_after_saving()
    {
        var (model, data, zip) = SavedPipeline();
        var loaded = new MLContext().Model.Load(zip, out var schema);
        string[] expected = [.. data.Schema.Select(c => c.Name), "Features"];
        Assert.Equal(expected, model.GetOutputSchema(data.Schema).Where(c => !c.IsHidden).Select(c => c.Name));
        Assert.Equal(expected, loaded.GetOutputSchema(schema).Where(c => !c.IsHidden).Select(c => c.Name));
    }

    /// <summary>The output row of a prediction engine.</summary>
    public sealed class FeatureRow
    {
        /// <summary>The features.</summary>
        public float[] Features { get; set; } = [];
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("256")]
    [InlineData("-Infinity")]
    public void A_pipeline_loaded_in_a_fresh_process_refuses_a_bad_pixel(string value)
    {
        var (_, _, zip) = SavedPipeline();
        var rows = TestData.Images(4, seed: 3).Select(r => r.Pixels.Select(x => x.ToString("R", CultureInfo.InvariantCulture)).ToArray()).ToList();
        rows[2][17] = value;
        string input = Path.Combine(_folder, "rows.txt"), output = Path.Combine(_folder, "out.txt");
        File.WriteAllLines(input, [$"{rows.Count} {TestData.Pixels}", .. rows.Select(r => string.Join(" ", r))]);

        var (code, text) = RunLoadCheck(zip, input, output, "Pixels", "Features");
        Assert.NotEqual(0, code);
        // The loading program never references this library's types: ML.NET loads Vpf.ML by the name saved with the mapping.
        Assert.Contains($"Row 2 of column 'Pixels' has {value} at pixel 17; expected intensities in [0, 255] (MaxIntensity).", text);
    }

    /// <summary>Runs tests/Vpf.ML.LoadCheck in a new process; returns its exit code and everything it printed.</summary>
    private static (int Code, string Text) RunLoadCheck(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(PersistenceTests.LoadCheckAssembly());
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "LoadCheck did not finish within 2 minutes");
        return (process.ExitCode, stdout.Result + stderr);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(256f, "256")]
    [InlineData(-1f, "-1")]
    [InlineData(1e30f, "1E+30")]
    public void Bulk_scoring_refuses_a_bad_pixel_naming_row_column_pixel_and_value(float value, string shown)
    {
        var model = TestData.RandomModel(Architecture.Rbm(TestData.Pixels, 6), seed: 4);
        var rows = TestData.Images(1500, seed: 5); // more than one block of 1,024 rows
        rows[1200].Pixels[33] = value;
        var scored = VpfFeatureScoring.Transform(model, _mlContext.Data.LoadFromEnumerable(rows), "Features", "Pixels");
        var e = Assert.Throws<InvalidOperationException>(() => TestData.Column(scored, "Features"));
        Assert.Contains("Row 1200 of column 'Pixels'", e.Message);
        Assert.Contains($"has {shown} at pixel 33", e.Message);
        Assert.Contains("[0, 255]", e.Message);
    }

    [Fact]
    public void Every_one_of_100_bit_flips_of_a_saved_pipeline_is_refused_naming_the_file_or_changes_nothing()
    {
        var (model, data, zip) = SavedPipeline();
        var expected = TestData.Column(model.Transform(data), "Features");
        var intact = new MLContext().Model.LoadChecked(zip, out _);
        Assert.Equal(expected.SelectMany(r => r), TestData.Column(intact.Transform(data), "Features").SelectMany(r => r));

        byte[] good = File.ReadAllBytes(zip);
        string bad = Path.Combine(_folder, "flipped.zip");
        var rng = new Random(20261203);
        int refused = 0;
        for (int i = 0; i < 100; i++)
        {
            byte[] bytes = (byte[])good.Clone();
            bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(bad, bytes);
            ITransformer loaded;
            try
            {
                loaded = new MLContext().Model.LoadChecked(bad, out _);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains("'" + bad + "'", e.Message);
                refused++;
                continue;
            }
            var features = TestData.Column(loaded.Transform(data), "Features");
            Assert.Equal(expected.SelectMany(r => r), features.SelectMany(r => r)); // bit-identical (float equality, NaN-free)
        }
        Assert.True(refused >= 50, $"only {refused} of 100 flips were refused"); // most bits of the zip are compressed content
    }

    [Fact]
    public void Every_one_of_100_bit_flips_of_an_exported_onnx_file_is_refused_naming_the_file()
    {
        var model = TestData.RandomModel(Architecture.Rbm(TestData.Pixels, 6), seed: 4);
        string path = Path.Combine(_folder, "features.onnx");
        VpfOnnxExport.Write(model, path);
        VpfOnnxExport.Verify(path); // intact: passes
        byte[] good = File.ReadAllBytes(path);
        var rng = new Random(7);
        for (int i = 0; i < 100; i++)
        {
            byte[] bytes = (byte[])good.Clone();
            int at = rng.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << rng.Next(8));
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<InvalidDataException>(() => VpfOnnxExport.Verify(path));
            Assert.Contains("features.onnx", e.Message);
        }
    }
}
