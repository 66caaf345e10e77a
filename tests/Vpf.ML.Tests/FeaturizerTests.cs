using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Inference;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.ML.Tests;

public sealed class FeaturizerTests
{
    internal static VpfFeaturizerOptions SmallOptions(int? seed = 5) => new()
    {
        HiddenLayers = [24, 12],
        OutputLayers = [1, 2],
        Epochs = 3,
        BatchSize = 50,
        LearningRate = 0.01f,
        MeanFieldSweeps = 5,
        Seed = seed,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fit_then_transform_gives_the_rates_of_the_trained_model(bool greyLevels)
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, 150, seed: 1);
        var options = SmallOptions();
        options.GreyLevels = greyLevels;
        var estimator = mlContext.Transforms.VpfFeatures("Features", "Pixels", options);

        var transformer = estimator.Fit(data);
        var output = transformer.Transform(data);

        var type = Assert.IsType<VectorDataViewType>(output.Schema["Features"].Type);
        Assert.Equal(NumberDataViewType.Single, type.ItemType);
        Assert.Equal(36, type.Size);
        var features = TestData.Column(output, "Features");
        Assert.All(features, row => Assert.All(row, x => Assert.InRange(x, 0f, 1f)));

        // The same seed trains the same machine; its C# rates are what the ONNX graph computes.
        var model = estimator.TrainModel(data);
        var pixels = TestData.Column(data, "Pixels");
        var visible = greyLevels ? pixels.SelectMany(r => r.Select(x => x * (1f / 255f))).ToArray() : TestData.Binarise(pixels);
        var rates = MeanFieldSweep.Infer(model, visible, pixels.Count, sweeps: 5);
        var expected = Enumerable.Range(0, pixels.Count)
            .Select(r => rates[1].AsSpan(r * 24, 24).ToArray().Concat(rates[2].AsSpan(r * 12, 12).ToArray()).ToArray()).ToList();
        TestData.AssertClose(expected, features, 1e-5);
    }

    [Fact]
    public void Stochastic_binarisation_of_black_and_white_images_trains_exactly_as_the_threshold()
    {
        // Intensities 0 and 255 are drawn as 0 and 1 with certainty, so the per-epoch draws equal the threshold's
        // binarisation: the epoch-by-epoch training must then reach the uninterrupted run's machine bit for bit.
        var mlContext = new MLContext(seed: 1);
        var rows = TestData.Images(90, seed: 4).Select(r => new ImageRow { Pixels = r.Pixels.Select(x => x >= 127.5f ? 255f : 0f).ToArray(), Label = r.Label });
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var thresholdOptions = SmallOptions();
        thresholdOptions.StochasticBinarisation = false;
        var threshold = mlContext.Transforms.VpfFeatures("F", "Pixels", thresholdOptions).TrainModel(data);
        var options = SmallOptions();
        options.StochasticBinarisation = true;
        var stochastic = mlContext.Transforms.VpfFeatures("F", "Pixels", options).TrainModel(data);
        Assert.Equal(threshold.Parameters.Tensors.SelectMany(t => t), stochastic.Parameters.Tensors.SelectMany(t => t));

        // On grey images the draws differ from the threshold, reproducibly from the seed.
        var grey = TestData.View(mlContext, 90, seed: 4);
        var first = mlContext.Transforms.VpfFeatures("F", "Pixels", options).TrainModel(grey);
        var again = mlContext.Transforms.VpfFeatures("F", "Pixels", options).TrainModel(grey);
        var thresholdOnGrey = mlContext.Transforms.VpfFeatures("F", "Pixels", thresholdOptions).TrainModel(grey);
        Assert.Equal(first.Parameters.Tensors.SelectMany(t => t), again.Parameters.Tensors.SelectMany(t => t));
        Assert.NotEqual(first.Parameters.Tensors.SelectMany(t => t), thresholdOnGrey.Parameters.Tensors.SelectMany(t => t));
    }

    [Fact]
    public void Centering_is_an_option_of_training_that_changes_the_machine_reached()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, 90, seed: 4);
        var centered = SmallOptions();
        centered.Centering = true;
        var plain = SmallOptions();
        plain.Centering = false;
        var a = mlContext.Transforms.VpfFeatures("F", "Pixels", centered).TrainModel(data);
        var b = mlContext.Transforms.VpfFeatures("F", "Pixels", plain).TrainModel(data);
        Assert.NotEqual(a.Parameters.Tensors.SelectMany(t => t), b.Parameters.Tensors.SelectMany(t => t));
    }

    [Fact]
    public void A_null_seed_takes_the_MLContext_random_source()
    {
        List<float[]> Run(int contextSeed)
        {
            var mlContext = new MLContext(seed: contextSeed);
            var data = TestData.View(mlContext, 60, seed: 2);
            return TestData.Column(mlContext.Transforms.VpfFeatures("F", "Pixels", SmallOptions(seed: null)).Fit(data).Transform(data), "F");
        }
        var first = Run(11);
        TestData.AssertClose(first, Run(11), 0);
        Assert.NotEqual(first[0], Run(12)[0]);
    }

    [Fact]
    public void Transformer_from_a_trained_model_equals_the_one_from_Fit()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, 90, seed: 6);
        var options = SmallOptions();
        var estimator = mlContext.Transforms.VpfFeatures("Features", "Pixels", options);
        var fromFit = TestData.Column(estimator.Fit(data).Transform(data), "Features");

        var model = estimator.TrainModel(data);
        var fromModel = TestData.Column(mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", model, options).Fit(data).Transform(data), "Features");
        TestData.AssertClose(fromFit, fromModel, 1e-6);

        string path = Path.Combine(Path.GetTempPath(), $"vpf-ml-{Guid.NewGuid():N}.vpf");
        try
        {
            ModelFile.Save(path, model);
            var fromFile = TestData.Column(mlContext.Transforms.VpfFeaturesFromModel("Features", "Pixels", path, options).Fit(data).Transform(data), "Features");
            TestData.AssertClose(fromFit, fromFile, 1e-6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Full_pipeline_classifies_separable_images_above_chance()
    {
        var mlContext = new MLContext(seed: 1);
        var train = TestData.View(mlContext, 210, seed: 1);
        var test = TestData.View(mlContext, 90, seed: 2);
        var pipeline = mlContext.Transforms.Concatenate("AllPixels", "Pixels")
            .Append(mlContext.Transforms.VpfFeatures("Features", "AllPixels", new VpfFeaturizerOptions
            {
                HiddenLayers = [32],
                Epochs = 5,
                BatchSize = 30,
                LearningRate = 0.01f,
                Seed = 3,
            }))
            .Append(mlContext.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
            .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "Features", maximumNumberOfIterations: 50))
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        var model = pipeline.Fit(train);
        var predictions = model.Transform(test);
        var metrics = mlContext.MulticlassClassification.Evaluate(predictions, "LabelKey");
        Assert.True(metrics.MacroAccuracy > 0.6, $"macro accuracy {metrics.MacroAccuracy:F3} (chance is 0.33)");

        var predicted = mlContext.Data.CreateEnumerable<Prediction>(predictions, reuseRowObject: false).ToList();
        double accuracy = predicted.Count(p => p.PredictedLabel == p.Label) / (double)predicted.Count;
        Assert.True(accuracy > 0.6, $"accuracy {accuracy:F3}");
    }

    [Fact]
    public void Output_schema_reports_the_new_column()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, 10, seed: 1);
        var shape = mlContext.Transforms.VpfFeatures("Features", "Pixels", SmallOptions()).GetOutputSchema(TestData.Shape(data.Schema));
        var column = shape.Single(c => c.Name == "Features");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, column.Kind);
        Assert.Equal(NumberDataViewType.Single, column.ItemType);
        Assert.Contains(shape, c => c.Name == "Pixels");
    }

    [Fact]
    public void Options_out_of_range_name_the_option()
    {
        var transforms = new MLContext().Transforms;
        Assert.Equal("Epochs", Assert.Throws<ArgumentOutOfRangeException>(() => transforms.VpfFeatures("F", "P", new VpfFeaturizerOptions { Epochs = -1 })).ParamName);
        Assert.Equal("HiddenLayers", Assert.Throws<ArgumentOutOfRangeException>(() => transforms.VpfFeatures("F", "P", new VpfFeaturizerOptions { HiddenLayers = [] })).ParamName);
        Assert.Equal("OutputLayers", Assert.Throws<ArgumentOutOfRangeException>(() => transforms.VpfFeatures("F", "P", new VpfFeaturizerOptions { OutputLayers = [2] })).ParamName);
        Assert.Equal("LateralLayers", Assert.Throws<ArgumentOutOfRangeException>(() => transforms.VpfFeatures("F", "P", new VpfFeaturizerOptions { LateralLayers = [2] })).ParamName);
        Assert.Equal("Damping", Assert.Throws<ArgumentOutOfRangeException>(() => transforms.VpfFeatures("F", "P", new VpfFeaturizerOptions { Damping = -0.1f })).ParamName);
        Assert.Equal("outputColumnName", Assert.Throws<ArgumentOutOfRangeException>(() => transforms.VpfFeatures("P", "P")).ParamName);
    }

    [Fact]
    public void Fit_on_an_empty_column_says_so()
    {
        var mlContext = new MLContext(seed: 1);
        var empty = mlContext.Data.LoadFromEnumerable(new List<ImageRow>());
        var error = Assert.Throws<InvalidOperationException>(() => mlContext.Transforms.VpfFeatures("F", "Pixels", SmallOptions()).Fit(empty));
        Assert.Contains("Empty data in column 'Pixels'", error.Message);
    }

    private sealed class Prediction
    {
        public uint Label { get; set; }

        public uint PredictedLabel { get; set; }
    }
}
