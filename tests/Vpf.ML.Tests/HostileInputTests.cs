using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Model;
using Vpf.Core.Persistence;

namespace Vpf.ML.Tests;

/// <summary>Bad pixel values and bad model files given to the ML.NET estimators: each a clear error naming the column or file.</summary>
public sealed class HostileInputTests
{
    private readonly MLContext _mlContext = new(seed: 1);

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(-1f, "-1")]
    [InlineData(256f, "256")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void A_pixel_outside_zero_to_max_intensity_is_refused_naming_the_column_row_and_pixel(float value, string shown)
    {
        var rows = TestData.Images(30, seed: 1);
        rows[7].Pixels[13] = value;
        var view = _mlContext.Data.LoadFromEnumerable(rows);
        var e = Assert.Throws<InvalidOperationException>(() => _mlContext.Transforms.VpfFeatures("Features", "Pixels", FeaturizerTests.SmallOptions()).Fit(view));
        Assert.Contains("column 'Pixels'", e.Message);
        Assert.Contains("Row 7", e.Message);
        Assert.Contains("pixel 13", e.Message);
        Assert.Contains(shown, e.Message);
        Assert.Contains("[0, 255]", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(-0.5f, "-0.5")]
    [InlineData(300f, "300")]
    public void A_fitted_transformer_refuses_such_pixels_when_it_reads_them_naming_the_column(float value, string shown)
    {
        var transformer = _mlContext.Transforms.VpfFeatures("Features", "Pixels", FeaturizerTests.SmallOptions()).Fit(TestData.View(_mlContext, 30, seed: 1));
        var rows = TestData.Images(5, seed: 2);
        rows[3].Pixels[60] = value;
        var output = transformer.Transform(_mlContext.Data.LoadFromEnumerable(rows));
        Exception? e = Assert.ThrowsAny<Exception>(() => output.GetColumn<float[]>("Features").ToList());
        // ML.NET may read rows on worker threads and wrap the error ("Splitter/consolidator worker encountered…").
        while (e is not null && !e.Message.Contains("column 'Pixels'", StringComparison.Ordinal)) e = e.InnerException;
        Assert.NotNull(e);
        Assert.IsType<InvalidOperationException>(e);
        Assert.Contains("pixel 60", e.Message);
        Assert.Contains(shown, e.Message);
        Assert.Contains("[0, 255]", e.Message);
        // Good rows still transform.
        Assert.Equal(3, transformer.Transform(_mlContext.Data.LoadFromEnumerable(rows.Take(3))).GetColumn<float[]>("Features").Count());
    }

    [Fact]
    public void The_maximum_intensity_itself_and_zero_are_accepted()
    {
        var rows = TestData.Images(30, seed: 1);
        rows[0].Pixels[0] = 255f;
        rows[0].Pixels[1] = 0f;
        var transformer = _mlContext.Transforms.VpfFeatures("Features", "Pixels", FeaturizerTests.SmallOptions()).Fit(_mlContext.Data.LoadFromEnumerable(rows));
        Assert.NotNull(transformer);
    }

    [Fact]
    public void A_corrupt_missing_or_foreign_model_file_is_refused_naming_the_file()
    {
        string folder = Path.Combine(Path.GetTempPath(), "vpf-ml-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "features.vpf");
            ModelFile.Save(path, DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(TestData.Pixels, 5), seed: 2));
            byte[] bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x40;
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<ModelFileException>(() => _mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", path));
            Assert.Equal(ModelFileProblem.Corrupted, e.Problem);
            Assert.Contains("features.vpf", e.Message);

            File.WriteAllText(path, "{ \"not\": \"a model\" }");
            e = Assert.Throws<ModelFileException>(() => _mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", path));
            Assert.Equal(ModelFileProblem.NotAModelFile, e.Problem);
            Assert.Contains("features.vpf", e.Message);

            string missing = Path.Combine(folder, "absent.vpf");
            e = Assert.Throws<ModelFileException>(() => _mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", missing));
            Assert.Equal(ModelFileProblem.Missing, e.Problem);
            Assert.Contains("absent.vpf", e.Message);

            e = Assert.Throws<ModelFileException>(() => _mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", folder));
            Assert.Equal(ModelFileProblem.Unreadable, e.Problem);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
