using Microsoft.ML;
using Vpf.Core.Model;
using Vpf.Onnx;

namespace Vpf.ML.Tests;

public sealed class InProcessTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(7, false)]
    [InlineData(1024, false)]
    [InlineData(7, true)]
    public void Batched_transform_equals_the_onnx_transformer(int batchSize, bool greyLevels)
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, 50, seed: 8);
        var model = TestData.RandomModel(Architecture.Dbm(TestData.Pixels, 20, 10).WithLateral(2), seed: 3);
        var options = new VpfFeaturizerOptions { OutputLayers = [2, 1], MeanFieldSweeps = 4, Damping = 0.25f, GreyLevels = greyLevels };
        var onnx = TestData.Column(mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", model, options).Fit(data).Transform(data), "Features");

        var view = VpfFeatureScoring.Transform(model, data, "Features", "Pixels",
            new OnnxExportOptions { OutputLayers = [2, 1], MeanFieldSweeps = 4, Damping = 0.25f, GreyLevels = greyLevels }, batchSize);
        TestData.AssertClose(onnx, TestData.Column(view, "Features"), 1e-5);
        Assert.Equal(50, mlContext.Data.CreateEnumerable<ImageRow>(view, reuseRowObject: false).Count());
    }

    [Fact]
    public void Batched_transform_checks_the_column()
    {
        var mlContext = new MLContext(seed: 1);
        var model = TestData.RandomModel(Architecture.Rbm(32, 4), seed: 3);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => VpfFeatureScoring.Transform(model, TestData.View(mlContext, 3, seed: 1), "F", "Pixels"));
        Assert.StartsWith("Schema mismatch for input column 'Pixels': expected known-size vector of Single of 32 items, got Vector<Single, 64>.", error.Message);
    }
}
