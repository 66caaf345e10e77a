using Microsoft.ML;
using Vpf.Core.Model;
using Vpf.Core.Persistence;

namespace Vpf.ML.Tests;

/// <summary>The samples of <see cref="VpfCatalog"/>'s documentation, compiled (and run by <see cref="CatalogSampleTests"/>).</summary>
public static class CatalogSample
{
    /// <summary>VpfFeatures: train, classify, save.</summary>
    public static void VpfFeatures(IDataView trainingData, string modelPath)
    {
        var mlContext = new MLContext(seed: 1);
        var pipeline = mlContext.Transforms.VpfFeatures("Features", "Pixels",
                new VpfFeaturizerOptions { HiddenLayers = [200, 100], OutputLayers = [1, 2], Epochs = 5 })
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
            .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features", maximumNumberOfIterations: 20));
        var model = pipeline.Fit(trainingData);
        mlContext.Model.Save(model, trainingData.Schema, modelPath);
    }

    /// <summary>VpfFeatures on a real-valued column: Gaussian visible units, standardised in Fit and in the saved graph.</summary>
    public static void GaussianFeatures(IDataView trainingData, string modelPath)
    {
        var mlContext = new MLContext(seed: 1);
        var pipeline = mlContext.Transforms.VpfFeatures("Features", "Values",
                new VpfFeaturizerOptions { VisibleUnits = VisibleUnitKind.Gaussian, HiddenLayers = [200], Epochs = 5 })
            .Append(mlContext.Transforms.Conversion.MapValueToKey("Label"))
            .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "Features"));
        var model = pipeline.Fit(trainingData);
        mlContext.Model.Save(model, trainingData.Schema, modelPath);
    }

    /// <summary>VpfFeaturesFromModel: a machine trained once, saved as a model file, compiled without training.</summary>
    public static IDataView VpfFeaturesFromModel(IDataView data, string vpfModelPath)
    {
        var mlContext = new MLContext(seed: 1);
        var options = new VpfFeaturizerOptions { HiddenLayers = [100], Epochs = 5 };
        var machine = new VpfFeaturizerEstimator(mlContext, "Features", "Pixels", options).TrainModel(data);
        ModelFile.Save(vpfModelPath, machine);
        var features = mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", vpfModelPath, options).Fit(data);
        return features.Transform(data);
    }
}

public sealed class CatalogSampleTests
{
    [Fact]
    public void Samples_run()
    {
        var data = TestData.View(new MLContext(seed: 1), 60, seed: 1);
        string folder = Directory.CreateTempSubdirectory("vpf-ml-sample-").FullName;
        try
        {
            CatalogSample.VpfFeatures(data, Path.Combine(folder, "model.zip"));
            Assert.True(new FileInfo(Path.Combine(folder, "model.zip")).Length > 0);
            Assert.Equal(60, TestData.Column(CatalogSample.VpfFeaturesFromModel(data, Path.Combine(folder, "features.vpf")), "Features").Count);
            CatalogSample.GaussianFeatures(GaussianTestData.View(new MLContext(seed: 1), 60, seed: 1), Path.Combine(folder, "gaussian.zip"));
            var reloaded = new MLContext().Model.LoadChecked(Path.Combine(folder, "gaussian.zip"), out _);
            var scored = reloaded.Transform(GaussianTestData.View(new MLContext(seed: 1), 30, seed: 2));
            Assert.Equal(200, TestData.Column(scored, "Features")[0].Length);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
