using Vpf.Core.Evaluation;
using Vpf.Core.Model;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>The closed-form log Z of a Gaussian RBM against numerical integration of the energy over v.</summary>
public class GaussianRbmLikelihoodTests
{
    [Theory]
    [InlineData(1, 1, 71)]
    [InlineData(1, 3, 72)]
    [InlineData(2, 2, 73)]
    [InlineData(2, 3, 74)]
    public void Log_partition_equals_quadrature_of_the_energy_over_a_grid(int visible, int hidden, int seed)
    {
        var model = GaussianModels.Random($"{visible}-{hidden}", seed);
        // Trapezoid rule on [−12, 12]^D: the integrand is a mixture of unit Gaussians with means |b + W h| < 5, for
        // which the rule converges faster than any power of the step; the truncated tails are below e^{−24}.
        const double limit = 12, step = 0.05;
        int points = (int)Math.Round(2 * limit / step) + 1;
        var grid = Enumerable.Range(0, points).Select(k => -limit + k * step).ToArray();
        var states = new[] { new float[visible], new float[hidden] };
        double total = 0;
        if (visible == 1)
            foreach (double x in grid) total += Marginal(model, states, [x]) * step;
        else
            foreach (double x in grid)
                foreach (double y in grid) total += Marginal(model, states, [x, y]) * step * step;
        Assert.Equal(Math.Log(total), GaussianRbmLikelihood.LogPartition(model), 1e-6);
    }

    [Fact]
    public void Log_likelihood_is_minus_the_free_energy_minus_log_Z_and_the_free_energy_sums_h_out()
    {
        var model = GaussianModels.Random("3-4", seed: 75);
        float[] v = [0.3f, -1.2f, 2.0f];
        var states = new[] { v, new float[4] };
        double marginal = 0;
        for (int code = 0; code < 16; code++)
        {
            for (int j = 0; j < 4; j++) states[1][j] = (code >> j) & 1;
            marginal += Math.Exp(-model.Energy(states));
        }
        double free = GaussianRbmLikelihood.FreeEnergies(model, v, 1)[0];
        Assert.Equal(-Math.Log(marginal), free, 1e-9);
        double logZ = GaussianRbmLikelihood.LogPartition(model);
        Assert.Equal(-free - logZ, GaussianRbmLikelihood.MeanLogLikelihood(model, v, 1, logZ), 1e-12);
    }

    [Fact]
    public void Binary_likelihood_routines_refuse_a_Gaussian_model_naming_the_architecture()
    {
        var model = GaussianModels.Random("3-2", seed: 76);
        var error = Assert.Throws<InvalidOptionsException>(() => ExactLikelihood.LogPartition(model));
        Assert.Equal("Architecture", error.Option);
        Assert.Contains("ExactLikelihood.LogPartition", error.Message);
        Assert.Throws<InvalidOptionsException>(() => GaussianRbmLikelihood.LogPartition(new DeepBoltzmannMachine(Architecture.Rbm(3, 2))));
    }

    private static double Marginal(DeepBoltzmannMachine model, float[][] states, double[] v)
    {
        for (int i = 0; i < v.Length; i++) states[0][i] = (float)v[i];
        int hidden = states[1].Length;
        double sum = 0;
        for (int code = 0; code < 1 << hidden; code++)
        {
            for (int j = 0; j < hidden; j++) states[1][j] = (code >> j) & 1;
            sum += Math.Exp(-model.Energy(states));
        }
        return sum;
    }
}
