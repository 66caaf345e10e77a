using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>Marginal score matching of a Gaussian RBM (vpf-math.md §9) against the free energy and finite differences.</summary>
public class MarginalScoreMatchingTests
{
    [Fact]
    public void J_is_hyvarinens_objective_of_the_free_energy()
    {
        // Oracle: Σ_i ½ (∂F/∂v_i)² − ∂²F/∂v_i² by central differences of the double-precision free energy.
        var model = GaussianModels.Random("4-3", seed: 41);
        const int rows = 5;
        var v = GaussianModels.RandomStates(model, rows, seed: 42, binary: true)[0];
        double value = new ScoreMatchingRbm().Evaluate(model, v, rows, new ParameterSet(model.Architecture), 0).Value;

        double expected = 0;
        const double h = 1e-3;
        for (int r = 0; r < rows; r++)
        {
            var row = v.AsSpan(r * 4, 4).ToArray();
            double F() => Vpf.Core.Evaluation.GaussianRbmLikelihood.FreeEnergies(model, row, 1)[0];
            double f0 = F();
            for (int i = 0; i < 4; i++)
            {
                float saved = row[i];
                row[i] = (float)(saved + h);
                double plus = F();
                row[i] = (float)(saved - h);
                double minus = F();
                row[i] = saved;
                double first = (plus - minus) / (2 * h), second = (plus - 2 * f0 + minus) / (h * h);
                expected += 0.5 * first * first - second;
            }
        }
        expected /= rows;
        Assert.Equal(expected, value, 2e-3 * Math.Abs(expected) + 2e-3);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Gradient_equals_central_finite_differences_of_J(int seed)
    {
        var model = GaussianModels.Random("4-3", seed: 50 + seed);
        const int rows = 6;
        var v = GaussianModels.RandomStates(model, rows, seed: 60 + seed, binary: true)[0];
        var objective = new ScoreMatchingRbm();
        var gradient = new ParameterSet(model.Architecture);
        objective.Evaluate(model, v, rows, gradient, 0);
        var scratch = new ParameterSet(model.Architecture);
        double J() => objective.Evaluate(model, v, rows, scratch, 0).Value;
        foreach (var (tensor, g, index, mirror, name) in TinyModels.FreeParameters(model, gradient))
        {
            double numeric = TinyModels.CentralDifference(J, tensor, index, mirror, step: 1f / 256);
            Assert.True(Math.Abs(numeric - g[index]) <= 2e-3 + 2e-3 * Math.Abs(numeric),
                $"seed {seed} {name}: analytic {g[index]}, finite difference {numeric}");
        }
    }

    [Fact]
    public void Binary_visible_units_are_refused_and_the_method_parses_by_name()
    {
        var error = Assert.Throws<InvalidOptionsException>(() => new ScoreMatchingRbmMethod().Validate(Architecture.Rbm(3, 2)));
        Assert.Equal("Architecture", error.Option);
        Assert.Contains("Gaussian", error.Message);
        Assert.IsType<ScoreMatchingRbmMethod>(TrainingMethod.Parse("sm-rbm"));
        var mpf = Assert.Throws<InvalidOptionsException>(() => new MpfRbmMethod().Validate(Architecture.Rbm(3, 2).WithVisibleUnits(VisibleUnitKind.Gaussian)));
        Assert.Contains("MPF-RBM", mpf.Message);
    }
}
