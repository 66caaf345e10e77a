using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Evaluation.Report;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;

namespace Vpf.Core.Tests.Evaluation;

public class HeldOutSectionTests
{
    private static readonly BinaryDataset Train = SyntheticData.Prototypes(100, 12, prototypes: 3, noise: 0.1, seed: 1);
    private static readonly BinaryDataset Test = SyntheticData.Prototypes(40, 12, prototypes: 3, noise: 0.1, seed: 2);

    private static readonly EvaluationOptions HeldOutOnly = new()
    {
        Reconstruction = null, LogLikelihood = null, Parzen = null, LinearProbe = null, MaxTestRows = 30,
    };

    [Fact]
    public void The_section_measures_the_provenance_s_method_and_the_clean_reconstruction()
    {
        var model = TinyModels.Random(TinyModels.Parse("12-6-4"), seed: 4, scale: 0.5);
        var method = new VpfMethod { Options = new VpfOptions { MeanFieldSweeps = 3, Estimator = FlowEstimator.Expected } };
        var info = ModelFileInfo.ForTraining(method, new TrainingOptions());
        var section = ModelEvaluator.Evaluate(model, Train, Test, HeldOutOnly, provenance: info).HeldOut!;

        var batch = HeldOutMetrics.Batch(Test, 30);
        var k = new VariationalProbabilityFlow(method.Options).Evaluate(model, batch, 30, new ParameterSet(model.Architecture), HeldOutMetrics.RandomKey).Value;
        Assert.Equal(30, section.Rows);
        Assert.Equal("vpf", section.Method);
        Assert.Equal(k, section.K!.Value, 12);
        Assert.Equal(3, section.Sweeps);
        Assert.Equal(HeldOutMetrics.ReconstructionCrossEntropy(model, batch, 30, 3), section.ReconstructionCrossEntropy!.Value);
        var marginals = Train.ColumnMeans();
        var trivial = Enumerable.Range(0, batch.Length).Select(i => (float)marginals[i % 12]).ToArray();
        Assert.Equal(HeldOutMetrics.CrossEntropy(trivial, batch, 30), section.PixelMarginals);
    }

    [Theory]
    [InlineData("cd")]          // K is CD's monitor, not a flow
    [InlineData("mpf-rbm")]     // cannot train a DBM
    [InlineData("some other tool")]
    public void No_k_is_reported_for_a_method_whose_k_is_not_a_flow_of_this_model(string name)
    {
        var model = TinyModels.Random(TinyModels.Parse("12-6-4"), seed: 4, scale: 0.5);
        var section = ModelEvaluator.Evaluate(model, Train, Test, HeldOutOnly, provenance: new ModelFileInfo { TrainingMethod = name }).HeldOut!;
        Assert.Null(section.K);
        Assert.Null(section.Method);
        Assert.True(section.ReconstructionCrossEntropy > 0);
    }

    [Fact]
    public void A_fully_visible_model_has_k_but_no_reconstruction()
    {
        var model = TinyModels.Random(Architecture.FullyVisible(12), seed: 4, scale: 0.5);
        var section = ModelEvaluator.Evaluate(model, Train, Test, HeldOutOnly, provenance: ModelFileInfo.ForTraining(new MpfMethod(), new TrainingOptions())).HeldOut!;
        Assert.Equal("mpf", section.Method);
        Assert.True(section.K > 0);
        Assert.Null(section.ReconstructionCrossEntropy);
    }
}
