using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Training;

/// <summary>Core's own vector loops (Adam, AIS weights) against their scalar paths, switched through KernelSettings.</summary>
[Collection("KernelSettings")]
public class VectorPathTests
{
    [Fact]
    public void Adam_vector_and_scalar_paths_give_the_same_bits()
    {
        float[] Train(int bits) => VectorWidth.Run(bits, () =>
        {
            var model = TinyModels.Random(TinyModels.Parse("13-11L-3"), seed: 21);
            var adam = new Adam(new OptimiserOptions { LearningRate = 0.01f, WeightDecay = 0.001f });
            for (int step = 0; step < 3; step++)
            {
                var gradient = TinyModels.Random(model.Architecture, seed: 22 + step).Parameters;
                adam.Step(model.Parameters, gradient);
            }
            return model.Parameters.Tensors.SelectMany(t => t).ToArray();
        });
        var vector = Train(256);
        var scalar = Train(0);
        Assert.Equal(vector.Select(BitConverter.SingleToInt32Bits), scalar.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Ais_softplus_differences_agree_between_paths()
    {
        var random = new Random(23);
        var u = Enumerable.Range(0, 37).Select(_ => (float)(8 * random.NextDouble() - 4)).ToArray();
        (double Sum, float[] P) Run(int bits) => VectorWidth.Run(bits, () =>
        {
            var p = new float[u.Length];
            return (AnnealedImportanceSampling.SoftplusDifferenceRow(u, p, 0.3, 0.35), p);
        });
        var (vectorSum, vectorP) = Run(256);
        var (scalarSum, scalarP) = Run(0);
        Assert.Equal(scalarSum, vectorSum, 1e-12 * Math.Abs(scalarSum));
        for (int i = 0; i < u.Length; i++) Assert.Equal(scalarP[i], vectorP[i], 1e-6f);
        double expected = u.Sum(x => FreeEnergy.Softplus(0.35 * x) - FreeEnergy.Softplus(0.3 * x));
        Assert.Equal(expected, scalarSum, 1e-12 * Math.Abs(expected));
    }
}

public class ExpectedFlowAllocationTests
{
    [Theory]
    [InlineData(FlowEstimator.Sampled, false)]
    [InlineData(FlowEstimator.MeanField, false)]
    [InlineData(FlowEstimator.Expected, true)]
    public void The_expected_flow_tables_are_built_only_for_the_expected_estimator(FlowEstimator estimator, bool built)
    {
        var model = TinyModels.Random(TinyModels.Parse("6-4-3"), seed: 31);
        var vpf = new VariationalProbabilityFlow(new VpfOptions { Estimator = estimator });
        var v = TinyModels.RandomStates(model, 4, seed: 32, binary: true)[0];
        double k = vpf.Evaluate(model, v, 4, new ParameterSet(model.Architecture), 1).Value;
        Assert.True(k > 0);
        Assert.Equal(built, vpf.HasExpectedFlowTables);
    }
}
