using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;
using Vpf.Kernels;

namespace Vpf.Core.Tests.Training;

/// <summary>
/// One centered update of <see cref="MiniBatchTrainer"/> against vpf-math.md §8 written out here in double, step by
/// step: offsets from the data mean and the objective's mean rates, the gradient of the stored model turned into the
/// centered one (∇W_l = g_{W_l} − a_l ⊗ g_{b_{l+1}} − g_{b_l} ⊗ a_{l+1}, ∇b = g_b), a plain SGD step on the centered
/// parameters (b_l = b̃_l + a_{l−1}W_{l−1} + W_l a_{l+1}), and the stored biases recomputed from the stepped centered
/// ones. The trainer never forms the centered biases; agreement to float rounding says its one-pass shortcuts compute
/// the same update.
/// </summary>
public class CenteredUpdateTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { "VPF", 1 }, { "VPF", 10 }, { "VPF", 33 }, { "VPF", 100 },
        { "CD", 1 }, { "CD", 10 }, { "CD", 33 }, { "CD", 100 },
        { "VPF DBM", 1 }, { "VPF DBM", 10 }, { "VPF DBM", 33 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_centered_update_equals_the_formulas_of_section_8_evaluated_in_double(string method, int rows)
    {
        const float eta = 0.05f, nu = 0.1f;
        const int seed = 7;
        // Odd widths above one vector, so the four-row blocks, their tails and the scalar columns all take part.
        var architecture = method == "VPF DBM" ? Architecture.Dbm(37, 23, 13) : Architecture.Rbm(37, 23);
        var data = SyntheticData.Prototypes(rows, 37, prototypes: 3, noise: 0.2, seed: rows);
        var initial = DeepBoltzmannMachine.CreateRandom(architecture, seed: 5);
        var options = new TrainingOptions
        {
            Epochs = 1, BatchSize = rows, Seed = seed, Shuffle = false,
            Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = eta, Momentum = 0 },
            Centering = new CenteringOptions { Enabled = true, HiddenOffsetRate = nu },
        };
        var trained = new DeepBoltzmannMachine(initial.Parameters.Clone());
        new MiniBatchTrainer(Objective(method), options).Train(trained, data);

        // The gradient of the stored model on the one batch, with the batch's random key, and the batch-mean rates.
        var objective = Objective(method);
        var batch = new float[rows * 37];
        data.CopyRows(Enumerable.Range(0, rows).ToArray(), batch);
        var g = new ParameterSet(architecture);
        objective.Evaluate(new DeepBoltzmannMachine(initial.Parameters.Clone()), batch, rows, g, CounterRandom.StreamKey(seed, 1, 0));
        int layers = architecture.LayerCount;
        var a = new float[layers][];
        a[0] = data.ColumnMeans().Select(m => (float)m).ToArray();
        for (int l = 1; l < layers; l++)
        {
            var mean = new float[architecture.LayerSizes[l]];
            Assert.True(((IMeanRateSource)objective).TryGetMeanRates(l, mean));
            a[l] = mean.Select(m => (1 - nu) * new CenteringOptions().InitialHiddenOffset + nu * m).ToArray();
        }

        // Centered parameters, the step on them, and the stored form of the result, in double.
        var p = initial.Parameters;
        var w = new double[layers - 1][];
        for (int l = 0; l + 1 < layers; l++)
        {
            int n = a[l].Length, m = a[l + 1].Length;
            w[l] = new double[n * m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++)
                {
                    double centeredGradient = g.Weights[l][i * m + j] - (double)a[l][i] * g.Biases[l + 1][j] - (double)g.Biases[l][i] * a[l + 1][j];
                    w[l][i * m + j] = p.Weights[l][i * m + j] - eta * centeredGradient;
                }
        }
        for (int l = 0; l < layers; l++)
        {
            int n = a[l].Length;
            for (int k = 0; k < n; k++)
            {
                double centeredBias = p.Biases[l][k] + OffsetInput(l, k, a, p.Weights.Select(x => x.Select(v => (double)v).ToArray()).ToArray());
                double stepped = centeredBias - eta * (double)g.Biases[l][k];
                double expected = stepped - OffsetInput(l, k, a, w);
                Assert.True(Math.Abs(expected - trained.Parameters.Biases[l][k]) <= 1e-5 + 1e-6 * Math.Abs(expected),
                    $"{method}, batch {rows}: bias {k} of layer {l} is {trained.Parameters.Biases[l][k]:R}; §8 in double gives {expected:R}");
            }
            if (l + 1 < layers)
                for (int i = 0; i < w[l].Length; i++)
                    Assert.True(Math.Abs(w[l][i] - trained.Parameters.Weights[l][i]) <= 1e-6,
                        $"{method}, batch {rows}: weight {i} of W_{l} is {trained.Parameters.Weights[l][i]:R}; §8 in double gives {w[l][i]:R}");
        }
        // The oracle can tell the centered update from the plain one: uncentered SGD lands elsewhere.
        var plain = new DeepBoltzmannMachine(initial.Parameters.Clone());
        new MiniBatchTrainer(Objective(method), options with { Centering = new CenteringOptions { Enabled = false } }).Train(plain, data);
        double gap = plain.Parameters.Tensors.Zip(trained.Parameters.Tensors).Max(t => t.First.Zip(t.Second).Max(x => Math.Abs(x.First - x.Second)));
        Assert.True(gap > 1e-4, $"{method}, batch {rows}: the uncentered update differs by only {gap:G3}");
    }

    /// <summary>a_{l−1}W_{l−1} + W_l a_{l+1} at unit k of layer l, in double.</summary>
    private static double OffsetInput(int l, int k, float[][] a, double[][] w)
    {
        double s = 0;
        int n = a[l].Length;
        if (l > 0)
            for (int i = 0; i < a[l - 1].Length; i++) s += a[l - 1][i] * w[l - 1][i * n + k];
        if (l + 1 < a.Length)
        {
            int m = a[l + 1].Length;
            for (int j = 0; j < m; j++) s += w[l][k * m + j] * a[l + 1][j];
        }
        return s;
    }

    private static ITrainingObjective Objective(string method) =>
        method == "CD" ? new ContrastiveDivergence() : new VariationalProbabilityFlow();
}
