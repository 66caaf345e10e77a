using Vpf.Core.Evaluation;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Evaluation;

public class ExactLikelihoodTests
{
    // Sums of at most 2^14 double terms of size ≲ 10: rounding stays far below 1e-9.
    private const double Tolerance = 1e-9;

    /// <summary>RBMs on both sides of n_h &lt; n_v, visible laterals, DBMs with laterals in odd, even or both parities.</summary>
    public static TheoryData<string> Architectures =>
    [
        "3-2", "4-9", "9-4", "3L-2", "2-3-2", "2-3L-2L", "4L", "2-2-2-2", "3-2L-2", "2-3-2L", "3L-3-2", "2-2-3-1",
    ];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Log_partition_matches_brute_force_enumeration(string name)
    {
        var model = TinyModels.Random(TinyModels.Parse(name), seed: name.Sum(c => (int)c), scale: 1.0);
        Assert.Equal(BruteForce.LogPartition(model), ExactLikelihood.LogPartition(model), Tolerance);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Unnormalised_marginal_matches_brute_force_for_every_visible_vector(string name)
    {
        var model = TinyModels.Random(TinyModels.Parse(name), seed: 7, scale: 1.0);
        foreach (var v in BruteForce.AllVisible(model.LayerSize(0)))
            Assert.Equal(BruteForce.LogUnnormalisedMarginal(model, v), ExactLikelihood.LogUnnormalisedMarginal(model, v), Tolerance);
    }

    [Fact]
    public void Rbm_with_few_hidden_units_is_enumerated_over_the_hidden_side()
    {
        // 30 visible units could never be enumerated (2^30 > 2^24); 5 hidden units can.
        var model = TinyModels.Random(TinyModels.Parse("30-5"), seed: 3, scale: 0.3);
        double logZ = ExactLikelihood.LogPartition(model);
        // Independent check: log Z = log Σ_h exp(cᵀh) Π_k (1 + exp(b_k + (W h)_k)), written out directly.
        var terms = new double[32];
        for (int h = 0; h < 32; h++)
        {
            double t = 0;
            for (int j = 0; j < 5; j++) t += ((h >> j) & 1) * (double)model.Biases(1)[j];
            for (int k = 0; k < 30; k++)
            {
                double f = model.Biases(0)[k];
                for (int j = 0; j < 5; j++) f += ((h >> j) & 1) * (double)model.Weights(0)[k * 5 + j];
                t += Math.Log(1 + Math.Exp(f));
            }
            terms[h] = t;
        }
        Assert.Equal(ExactLikelihood.LogSumExp(terms), logZ, Tolerance);
    }

    [Fact]
    public void Likelihoods_of_all_visible_vectors_sum_to_one()
    {
        var model = TinyModels.Random(TinyModels.Parse("3-2L-2"), seed: 11, scale: 1.0);
        double logZ = ExactLikelihood.LogPartition(model);
        double total = BruteForce.AllVisible(3).Sum(v => Math.Exp(ExactLikelihood.LogLikelihood(model, v, logZ)));
        Assert.Equal(1.0, total, Tolerance);
    }
}
