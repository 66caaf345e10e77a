using Microsoft.ML;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.ML.Tests;

/// <summary>The estimator's options are checked by Core's training plan; errors name the estimator's own fields.</summary>
public sealed class PlanOptionTests
{
    public static TheoryData<string, Action<VpfFeaturizerOptions>> BadOptions => new()
    {
        { nameof(VpfFeaturizerOptions.Epochs), o => o.Epochs = 0 },
        { nameof(VpfFeaturizerOptions.BatchSize), o => o.BatchSize = 0 },
        { nameof(VpfFeaturizerOptions.LearningRate), o => o.LearningRate = float.NaN },
        { nameof(VpfFeaturizerOptions.Optimiser), o => o.Optimiser = (OptimiserKind)7 },
        { nameof(VpfFeaturizerOptions.StepSchedule), o => o.StepSchedule = (StepScheduleKind)5 },
        { nameof(VpfFeaturizerOptions.FinalStepFraction), o => o.FinalStepFraction = 1.5 },
        { nameof(VpfFeaturizerOptions.Estimator), o => o.Estimator = (FlowEstimator)9 },
        { nameof(VpfFeaturizerOptions.MeanFieldSweeps), o => o.MeanFieldSweeps = -1 },
        { nameof(VpfFeaturizerOptions.Damping), o => o.Damping = 1f },
        { nameof(VpfFeaturizerOptions.InitialWeightScale), o => o.InitialWeightScale = -1f },
        { nameof(VpfFeaturizerOptions.HiddenLayers), o => o.HiddenLayers = [] },
        { nameof(VpfFeaturizerOptions.HiddenLayers), o => o.HiddenLayers = [4, 0] },
        { nameof(VpfFeaturizerOptions.LateralLayers), o => o.LateralLayers = [-1] },
        { nameof(VpfFeaturizerOptions.MaxIntensity), o => o.MaxIntensity = 0f },
        { nameof(VpfFeaturizerOptions.BinarisationThreshold), o => o.BinarisationThreshold = 2f },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Every_bad_option_is_reported_with_the_estimator_s_parameter_name(string field, Action<VpfFeaturizerOptions> spoil)
    {
        var options = FeaturizerTests.SmallOptions();
        spoil(options);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.VpfFeatures("F", "P", options));
        Assert.Equal(field, error.ParamName);
        Assert.DoesNotContain("TrainingOptions", error.Message);
    }

    [Fact]
    public void Every_core_name_in_the_table_maps_to_a_field_of_the_options()
    {
        var fields = typeof(VpfFeaturizerOptions).GetFields().Select(f => f.Name).ToHashSet();
        Assert.All(VpfFeaturizerOptions.CoreNames.Values, name => Assert.Contains(name, fields));
    }

    [Fact]
    public void The_estimator_trains_the_model_the_trainer_trains_on_its_own()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, 120, seed: 3);
        var options = FeaturizerTests.SmallOptions(seed: 11);
        options.Centering = false;
        options.StochasticBinarisation = false;
        var model = mlContext.Transforms.VpfFeatures("F", "Pixels", options).TrainModel(data);

        // The path the estimator took before it built a plan: two seeds from one generator, MiniBatchTrainer with VPF.
        var pixels = TestData.Column(data, "Pixels");
        var bits = new bool[pixels.Count, pixels[0].Length];
        for (int r = 0; r < pixels.Count; r++)
            for (int i = 0; i < pixels[r].Length; i++) bits[r, i] = pixels[r][i] >= options.BinarisationThreshold * options.MaxIntensity;
        var set = BinaryDataset.FromBits(bits);
        var rng = new Random(11);
        int initSeed = rng.Next(), trainSeed = rng.Next();
        var reference = DeepBoltzmannMachine.CreateRandom(new Architecture([set.Dimension, .. options.HiddenLayers]), initSeed, options.InitialWeightScale);
        reference.SetVisibleBiasesFromMarginals(set.ColumnMeans());
        new MiniBatchTrainer(new VariationalProbabilityFlow(new VpfOptions { MeanFieldSweeps = options.MeanFieldSweeps }),
            new TrainingOptions
            {
                Epochs = options.Epochs, BatchSize = options.BatchSize, Seed = trainSeed,
                Optimiser = new OptimiserOptions { LearningRate = options.LearningRate!.Value },
                Centering = new CenteringOptions { Enabled = false },
            }).Train(reference, set);

        Assert.Equal(reference.Parameters.Tensors.SelectMany(t => t), model.Parameters.Tensors.SelectMany(t => t));
    }
}
