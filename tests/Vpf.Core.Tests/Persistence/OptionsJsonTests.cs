using Vpf.Core.Persistence;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Persistence;

/// <summary>Option records as JSON: enums by name, lossless round trip, tolerant of options added or removed later.</summary>
public sealed class OptionsJsonTests
{
    [Fact]
    public void Training_options_round_trip_with_enums_as_names()
    {
        var options = new TrainingOptions
        {
            Epochs = 3, BatchSize = 17, Seed = -5, Shuffle = false,
            Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.1f + 1e-7f, Momentum = 0.5f, WeightDecay = 3e-5f },
        };

        string json = OptionsJson.Serialize(options);

        Assert.Contains("\"kind\": \"SgdMomentum\"", json);
        Assert.Contains("\"batchSize\": 17", json);
        Assert.Equal(options, OptionsJson.DeserializeTrainingOptions(json));
    }

    [Theory]
    [InlineData(FlowEstimator.Sampled)]
    [InlineData(FlowEstimator.Expected)]
    [InlineData(FlowEstimator.MeanField)]
    public void Vpf_options_round_trip_with_enums_as_names(FlowEstimator estimator)
    {
        var options = new VpfOptions { Estimator = estimator, MeanFieldSweeps = 4, Damping = 0.3f, SamplesPerDatum = 2 };

        string json = OptionsJson.Serialize(options);

        Assert.Contains($"\"estimator\": \"{estimator}\"", json);
        Assert.Equal(options, OptionsJson.DeserializeVpfOptions(json));
        Assert.Equal(options, OptionsJson.Deserialize<VpfOptions>(OptionsJson.Serialize<VpfOptions>(options)));
    }

    [Fact]
    public void Absent_options_keep_their_defaults_and_unknown_ones_are_ignored()
    {
        var options = OptionsJson.DeserializeTrainingOptions("""{ "epochs": 4, "optimiser": { "learningRate": 0.01 }, "addedInVersion9": true }""");

        Assert.Equal(new TrainingOptions { Epochs = 4, Optimiser = new OptimiserOptions { LearningRate = 0.01f } }, options);
    }

    [Fact]
    public void Non_finite_options_are_recorded_faithfully()
    {
        var options = new VpfOptions { Damping = float.NaN };
        Assert.True(float.IsNaN(OptionsJson.DeserializeVpfOptions(OptionsJson.Serialize(options)).Damping));
    }

    [Theory]
    [InlineData("""{ "estimator": "Telepathy" }""")]
    [InlineData("""{ "estimator": 1 }""")]
    [InlineData("""[1, 2]""")]
    [InlineData("""null""")]
    [InlineData("""{ "meanFieldSweeps": """)]
    public void Unreadable_json_is_an_invalid_options_exception(string json)
    {
        var e = Assert.Throws<InvalidOptionsException>(() => OptionsJson.DeserializeVpfOptions(json));
        Assert.Contains("VpfOptions", e.Message);
    }
}
