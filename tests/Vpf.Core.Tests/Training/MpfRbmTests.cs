using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;

namespace Vpf.Core.Tests.Training;

public class MpfRbmTests
{
    [Fact]
    public void K_is_the_flow_of_free_energy_differences()
    {
        var model = TinyModels.Random(Architecture.Rbm(5, 3), seed: 71);
        const int rows = 4;
        var v = TinyModels.RandomStates(model, rows, seed: 72, binary: true)[0];
        var eval = new MpfRbm().Evaluate(model, v, rows, new ParameterSet(model.Architecture), 0);
        var reference = MpfRbmReference.Evaluate(model, v, rows, new ParameterSet(model.Architecture));

        double expected = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = v.AsSpan(r * 5, 5).ToArray();
            double f = ExactLikelihood.RbmFreeEnergy(model, row);
            for (int k = 0; k < 5; k++)
            {
                row[k] = 1 - row[k];
                expected += Math.Exp(0.5 * (f - ExactLikelihood.RbmFreeEnergy(model, row)));
                row[k] = 1 - row[k];
            }
        }
        Assert.Equal(expected / rows, reference.Value, 1e-9 * expected);
        // Single precision: a product of 1 + O(ε) factors per flip.
        Assert.Equal(expected / rows, eval.Value, 1e-5 * expected);
    }

    [Fact]
    public void Gradient_equals_central_finite_differences()
    {
        var model = TinyModels.Random(Architecture.Rbm(5, 3), seed: 73);
        const int rows = 4;
        var v = TinyModels.RandomStates(model, rows, seed: 74, binary: true)[0];
        var objective = new MpfRbm();
        var gradient = new ParameterSet(model.Architecture);
        objective.Evaluate(model, v, rows, gradient, 0);
        var scratch = new ParameterSet(model.Architecture);
        double K() => objective.Evaluate(model, v, rows, scratch, 0).Value;
        foreach (var (tensor, g, index, mirror, name) in TinyModels.FreeParameters(model, gradient))
        {
            double numeric = TinyModels.CentralDifference(K, tensor, index, mirror, 1f / 256);
            Assert.True(Math.Abs(numeric - g[index]) <= 1e-4 + 1e-4 * Math.Abs(numeric), $"{name}: analytic {g[index]}, finite difference {numeric}");
        }
    }

    [Theory]
    [InlineData("3-2-2")]
    [InlineData("3-2L")]
    [InlineData("4L")]
    public void Rejects_machines_that_are_not_rbms(string architecture)
    {
        var model = new DeepBoltzmannMachine(TinyModels.Parse(architecture));
        var ex = Assert.Throws<InvalidOptionsException>(() =>
            new MpfRbm().Evaluate(model, new float[model.LayerSize(0)], 1, new ParameterSet(model.Architecture), 0));
        Assert.Contains(architecture, ex.Message);
    }

    [Fact]
    public void Mpf_of_a_fully_visible_machine_is_the_flow_gradient_on_the_data()
    {
        var model = TinyModels.Random(Architecture.FullyVisible(5), seed: 75);
        var v = TinyModels.RandomStates(model, 3, seed: 76, binary: true);
        var viaMpf = new ParameterSet(model.Architecture);
        var viaFlow = new ParameterSet(model.Architecture);
        double kMpf = new MinimumProbabilityFlow().Evaluate(model, v[0], 3, viaMpf, 0).Value;
        double kFlow = new FlowGradient(model, 3).Compute(v, 3, viaFlow).Value;
        Assert.Equal(kFlow, kMpf);
        Assert.Equal(viaFlow.Tensors.SelectMany(t => t), viaMpf.Tensors.SelectMany(t => t));
        Assert.Throws<InvalidOptionsException>(() => new MinimumProbabilityFlow().Validate(Architecture.Rbm(3, 2)));
        Assert.Throws<InvalidOptionsException>(() => new VariationalProbabilityFlow().Validate(Architecture.FullyVisible(3)));
    }
}

public class MpfRbmPrecisionTests
{
    /// <summary>The single-precision kernel against the double-precision reference: relative 1e-5 on K, 1e-4 of each tensor's scale on the gradient.</summary>
    [Theory]
    [InlineData(5, 3, 4, 0.7)]
    [InlineData(64, 50, 10, 0.2)]
    [InlineData(30, 70, 6, 1.5)]
    public void Float_kernel_agrees_with_the_double_reference(int nv, int nh, int rows, double scale)
    {
        var model = TinyModels.Random(Architecture.Rbm(nv, nh), seed: nv + nh, scale);
        var v = TinyModels.RandomStates(model, rows, seed: rows, binary: true)[0];
        var fast = new ParameterSet(model.Architecture);
        var reference = new ParameterSet(model.Architecture);
        var kFast = new MpfRbm().Evaluate(model, v, rows, fast, 0);
        var kReference = MpfRbmReference.Evaluate(model, v, rows, reference);
        Assert.True(Math.Abs(kFast.Value - kReference.Value) <= 1e-5 * kReference.Value, $"K {kFast.Value:R} vs {kReference.Value:R}");
        Assert.Equal(kReference.ClampCount, kFast.ClampCount);
        foreach (var (f, r) in fast.Tensors.Zip(reference.Tensors))
        {
            double tensorScale = r.Max(x => Math.Abs(x));
            for (int i = 0; i < r.Length; i++)
                Assert.True(Math.Abs(f[i] - r[i]) <= 1e-4 * tensorScale, $"entry {i}: {f[i]:R} vs {r[i]:R} (scale {tensorScale:E3})");
        }
    }
}
