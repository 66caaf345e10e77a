using Vpf.Core.Evaluation;
using Vpf.Core.Inference;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Evaluation;

public class VariationalBoundTests
{
    [Theory]
    [InlineData("3-4-2")]
    [InlineData("2-3L-2")]
    [InlineData("3-2-2-2")]
    [InlineData("3L-3-2L")]
    [InlineData("4-3L")]
    public void Bound_never_exceeds_exact_log_likelihood(string name)
    {
        // ELBO ≤ log p(v) holds for every q, so it must hold for every random model, every v and any number of sweeps.
        // The bound and the exact value are both evaluated in double; 1e-9 only absorbs rounding.
        var architecture = TinyModels.Parse(name);
        int n0 = architecture.VisibleSize;
        var all = BruteForce.AllVisible(n0);
        var block = all.SelectMany(v => v).ToArray();
        for (int seed = 0; seed < 20; seed++)
        {
            var model = TinyModels.Random(architecture, seed, scale: 0.5 + seed * 0.1);
            double logZ = ExactLikelihood.LogPartition(model);
            foreach (int sweeps in new[] { 0, 3, 30 })
            {
                var bounds = VariationalBound.LowerBounds(model, block, all.Length, logZ, sweeps);
                for (int r = 0; r < all.Length; r++)
                    Assert.True(bounds[r] <= ExactLikelihood.LogLikelihood(model, all[r], logZ) + 1e-9,
                        $"{name} seed {seed} sweeps {sweeps} v#{r}: bound {bounds[r]} > exact {ExactLikelihood.LogLikelihood(model, all[r], logZ)}");
            }
        }
    }

    [Theory]
    [InlineData("5-4")]
    [InlineData("3L-5")]
    public void Bound_is_tight_for_an_rbm(string name)
    {
        // An RBM's mean field is its exact posterior, so KL(q‖p) = 0 and the bound equals log p(v); the bound is stationary
        // in q there, so single-precision rates leave only second-order error, far below 1e-6.
        var model = TinyModels.Random(TinyModels.Parse(name), seed: 6, scale: 1.0);
        int n0 = model.LayerSize(0);
        var all = BruteForce.AllVisible(n0);
        double logZ = ExactLikelihood.LogPartition(model);
        var bounds = VariationalBound.LowerBounds(model, all.SelectMany(v => v).ToArray(), all.Length, logZ);
        for (int r = 0; r < all.Length; r++)
            Assert.Equal(ExactLikelihood.LogLikelihood(model, all[r], logZ), bounds[r], 1e-6);
    }

    [Fact]
    public void Bound_equals_expected_negative_energy_plus_entropy_by_enumeration_of_q()
    {
        // Checks the closed form E_q[−E] (with ½μᵀLμ) + H(q) against Σ_h q(h)(−E(v,h) − log q(h)) summed over all h.
        var model = TinyModels.Random(TinyModels.Parse("2L-3L-2"), seed: 3, scale: 1.0);
        float[] v = [1, 0];
        var rates = MeanFieldSweep.Infer(model, v, 1, sweeps: 5);
        double expected = 0;
        int hidden = 5;
        for (int h = 0; h < 1 << hidden; h++)
        {
            var state = BruteForce.State(model, 1 | (h << 2));
            double logQ = 0;
            for (int l = 1; l < 3; l++)
                for (int k = 0; k < model.LayerSize(l); k++)
                    logQ += Math.Log(state[l][k] == 1 ? rates[l][k] : 1.0 - rates[l][k]);
            expected += Math.Exp(logQ) * (-model.Energy(state) - logQ);
        }
        Assert.Equal(expected, VariationalBound.NegativeEnergyAndEntropy(model, rates, 0), 1e-9);
    }
}
