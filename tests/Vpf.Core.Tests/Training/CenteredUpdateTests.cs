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
/// centered one (∇W_l = g_{W_l} − a_l ⊗ g_{b_{l+1}} − g_{b_l} ⊗ a_{l+1}, ∇L_l = g_{L_l} − (a_l ⊗ g_{b_l} + g_{b_l} ⊗ a_l) with
/// zero diagonal, ∇b = g_b), a plain SGD step or Adam's first step on the centered parameters
/// (b_l = b̃_l + a_{l−1}W_{l−1} + W_l a_{l+1} + L_l a_l), and the stored biases recomputed from the stepped centered ones.
/// The trainer never forms the centered biases nor the centered weight gradient; agreement to float rounding says its
/// one-pass shortcut computes the same update.
/// </summary>
public class CenteredUpdateTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { "VPF", 1 }, { "VPF", 10 }, { "VPF", 33 }, { "VPF", 100 },
        { "CD", 1 }, { "CD", 10 }, { "CD", 33 }, { "CD", 100 },
        { "VPF DBM", 1 }, { "VPF DBM", 10 }, { "VPF DBM", 33 },
        { "VPF DBM lateral", 10 }, { "VPF DBM lateral", 33 },
        { "VPF Adam", 10 }, { "CD Adam", 33 }, { "VPF DBM lateral Adam", 10 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_centered_update_equals_the_formulas_of_section_8_evaluated_in_double(string method, int rows)
    {
        const float nu = 0.1f;
        const int seed = 7;
        bool adam = method.EndsWith("Adam", StringComparison.Ordinal);
        // Adam's ε well above the gradients' rounding, so that its first step, ≈ η·sign(g), is a smooth function of g at
        // the scale of float rounding and a double oracle can follow it.
        var optimiser = adam
            ? new OptimiserOptions { Kind = OptimiserKind.Adam, LearningRate = 0.01f, Epsilon = 1e-3f }
            : new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.05f, Momentum = 0 };
        double eta = optimiser.LearningRate;
        // Odd widths above one vector, so the vector bodies, their scalar tails and whole scalar rows all take part.
        var architecture = !method.StartsWith("VPF DBM", StringComparison.Ordinal) ? Architecture.Rbm(37, 23)
            : method.Contains("lateral", StringComparison.Ordinal) ? Architecture.Dbm(37, 23, 13).WithLateral(1) : Architecture.Dbm(37, 23, 13);
        var data = SyntheticData.Prototypes(rows, 37, prototypes: 3, noise: 0.2, seed: rows);
        var initial = DeepBoltzmannMachine.CreateRandom(architecture, seed: 5);
        if (initial.Parameters.Laterals[1] is { } initialLateral)
        {
            // CreateRandom leaves laterals at zero; small symmetric ones with a zero diagonal make their shift count.
            int n1 = architecture.LayerSizes[1];
            var random = new Random(3);
            for (int k = 0; k < n1; k++)
                for (int j = k + 1; j < n1; j++) initialLateral[k * n1 + j] = initialLateral[j * n1 + k] = 0.1f * (random.NextSingle() - 0.5f);
        }
        var options = new TrainingOptions
        {
            Epochs = 1, BatchSize = rows, Seed = seed, Shuffle = false, Optimiser = optimiser,
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
        // The optimiser's step from a centered gradient value, in double: SGD's −η∇, or Adam's first step from zero moments.
        double Step(double centeredGradient)
        {
            if (!adam) return -eta * centeredGradient;
            double m = (1 - optimiser.Beta1) * centeredGradient, s = (1 - optimiser.Beta2) * centeredGradient * centeredGradient;
            double etaT = eta * Math.Sqrt(1 - optimiser.Beta2) / (1 - optimiser.Beta1);
            return -etaT * m / (Math.Sqrt(s) + optimiser.Epsilon);
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
                    w[l][i * m + j] = p.Weights[l][i * m + j] + Step(centeredGradient);
                }
        }
        var lat = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            if (p.Laterals[l] is not { } l0) continue;
            int n = a[l].Length;
            lat[l] = new double[n * n];
            for (int k = 0; k < n; k++)
                for (int j = 0; j < n; j++)
                {
                    double centeredGradient = k == j ? 0 : g.Laterals[l]![k * n + j] - ((double)a[l][k] * g.Biases[l][j] + (double)g.Biases[l][k] * a[l][j]);
                    lat[l][k * n + j] = l0[k * n + j] + Step(centeredGradient);
                }
        }
        var w0 = p.Weights.Select(x => x.Select(v => (double)v).ToArray()).ToArray();
        var lat0 = p.Laterals.Select(x => x?.Select(v => (double)v).ToArray()).ToArray();
        for (int l = 0; l < layers; l++)
        {
            int n = a[l].Length;
            for (int k = 0; k < n; k++)
            {
                double centeredBias = p.Biases[l][k] + OffsetInput(l, k, a, w0, lat0).Value;
                double stepped = centeredBias + Step(g.Biases[l][k]);
                var (after, terms, magnitude) = OffsetInput(l, k, a, w, lat);
                double expected = stepped - after;
                // The trainer rounds W, b and the shift sums to float: a float sum of N terms is within (N + 2)·2⁻²³ of
                // its absolute terms (twice the textbook bound), whose scale here is Σ|a|(|W| + |W_new|) and the bias itself.
                double scale = Math.Abs(expected) + Math.Abs(stepped - centeredBias) + magnitude + OffsetInput(l, k, a, w0, lat0).Magnitude;
                double tolerance = (terms + 2) * Math.Pow(2, -23) * scale;
                Assert.True(Math.Abs(expected - trained.Parameters.Biases[l][k]) <= tolerance,
                    $"{method}, batch {rows}: bias {k} of layer {l} is {trained.Parameters.Biases[l][k]:R}; §8 in double gives {expected:R} (tolerance {tolerance:G3})");
            }
            if (l + 1 < layers)
                for (int i = 0; i < w[l].Length; i++)
                    Assert.True(Math.Abs(w[l][i] - trained.Parameters.Weights[l][i]) <= 1e-6,
                        $"{method}, batch {rows}: weight {i} of W_{l} is {trained.Parameters.Weights[l][i]:R}; §8 in double gives {w[l][i]:R}");
            if (lat[l] is { } expectedLateral)
                for (int i = 0; i < expectedLateral.Length; i++)
                    Assert.True(Math.Abs(expectedLateral[i] - trained.Parameters.Laterals[l]![i]) <= 1e-6,
                        $"{method}, batch {rows}: lateral weight {i} of L_{l} is {trained.Parameters.Laterals[l]![i]:R}; §8 in double gives {expectedLateral[i]:R}");
        }
        // The oracle can tell the centered update from the plain one: uncentered training lands elsewhere.
        var plain = new DeepBoltzmannMachine(initial.Parameters.Clone());
        new MiniBatchTrainer(Objective(method), options with { Centering = new CenteringOptions { Enabled = false } }).Train(plain, data);
        double gap = plain.Parameters.Tensors.Zip(trained.Parameters.Tensors).Max(t => t.First.Zip(t.Second).Max(x => Math.Abs(x.First - x.Second)));
        Assert.True(gap > 1e-4, $"{method}, batch {rows}: the uncentered update differs by only {gap:G3}");
    }

    /// <summary>
    /// a_{l−1}W_{l−1} + W_l a_{l+1} + L_l a_l at unit k of layer l, in double, with its number of terms and the sum of
    /// their absolute values.
    /// </summary>
    private static (double Value, int Terms, double Magnitude) OffsetInput(int l, int k, float[][] a, double[][] w, double[]?[] lateral)
    {
        double s = 0, magnitude = 0;
        int terms = 0, n = a[l].Length;
        void Add(double term) => (s, magnitude, terms) = (s + term, magnitude + Math.Abs(term), terms + 1);
        if (l > 0)
            for (int i = 0; i < a[l - 1].Length; i++) Add(a[l - 1][i] * w[l - 1][i * n + k]);
        if (l + 1 < a.Length)
        {
            int m = a[l + 1].Length;
            for (int j = 0; j < m; j++) Add(w[l][k * m + j] * a[l + 1][j]);
        }
        if (lateral[l] is { } lat)
            for (int j = 0; j < n; j++) Add(lat[k * n + j] * a[l][j]);
        return (s, terms, magnitude);
    }

    private static ITrainingObjective Objective(string method) =>
        method.StartsWith("CD", StringComparison.Ordinal) ? new ContrastiveDivergence() : new VariationalProbabilityFlow();
}
