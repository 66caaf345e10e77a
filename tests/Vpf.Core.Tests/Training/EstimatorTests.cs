using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;

namespace Vpf.Core.Tests.Training;

/// <summary>The three VPF estimators against their oracles (vpf-math.md §3.2).</summary>
public class EstimatorTests
{
    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Expected_gradient_equals_central_finite_differences_with_rates_held_fixed(string architecture)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 21);
        const int rows = 3;
        var rates = TinyModels.RandomStates(model, rows, seed: 22, binary: false);
        var expected = new ExpectedFlow(model);
        var gradient = new ParameterSet(model.Architecture);
        expected.Compute(rates, rows, gradient);
        var scratch = new ParameterSet(model.Architecture);
        double K() => expected.Compute(rates, rows, scratch).Value;

        foreach (var (tensor, g, index, mirror, name) in TinyModels.FreeParameters(model, gradient))
        {
            double numeric = TinyModels.CentralDifference(K, tensor, index, mirror, step: 1f / 256);
            Assert.True(Math.Abs(numeric - g[index]) <= 1e-4 + 1e-4 * Math.Abs(numeric),
                $"{architecture} {name}: analytic {g[index]}, finite difference {numeric}");
        }
    }

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Expected_equals_enumeration_of_all_hidden_configurations_weighted_by_q(string architecture)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 31);
        const int rows = 2;
        var rates = TinyModels.RandomStates(model, rows, seed: 32, binary: false);
        var closedForm = new ParameterSet(model.Architecture);
        var eval = new ExpectedFlow(model).Compute(rates, rows, closedForm);

        // Σ over every binary joint state of the hidden layers (visible clamped) of q(h) × binary flow and gradient.
        var enumerated = Enumerate(model, rates, rows);
        Assert.Equal(enumerated.K, eval.Value, 1e-6 * enumerated.K);
        var expectedEntries = enumerated.Gradient.Tensors.SelectMany(t => t).ToArray();
        var closedEntries = closedForm.Tensors.SelectMany(t => t).ToArray();
        for (int i = 0; i < expectedEntries.Length; i++)
            Assert.True(Math.Abs(expectedEntries[i] - closedEntries[i]) <= 1e-5 + 1e-5 * Math.Abs(expectedEntries[i]),
                $"{architecture} entry {i}: closed form {closedEntries[i]}, enumeration {expectedEntries[i]}");
    }

    [Fact]
    public void Expected_stays_accurate_for_large_weights()
    {
        // Fields of ±20…40: products of (1 − μ + μ e^{±w/2}) span many orders of magnitude; log-space keeps them exact.
        var model = TinyModels.Random(TinyModels.Parse("3-4-2"), seed: 41, scale: 6);
        var rates = TinyModels.RandomStates(model, 2, seed: 42, binary: false);
        var gradient = new ParameterSet(model.Architecture);
        var eval = new ExpectedFlow(model).Compute(rates, 2, gradient);
        var enumerated = Enumerate(model, rates, 2);
        Assert.True(double.IsFinite(eval.Value) && eval.Value > 1e3, $"K = {eval.Value}");
        Assert.Equal(enumerated.K, eval.Value, 1e-5 * enumerated.K);
        Assert.True(gradient.IsFinite());
    }

    [Fact]
    public void Mean_of_many_sampled_estimates_converges_to_expected()
    {
        var model = TinyModels.Random(TinyModels.Parse("4-3L-2"), seed: 51, scale: 0.5);
        const int rows = 3;
        var visible = TinyModels.RandomStates(model, rows, seed: 52, binary: true)[0];

        var expectedObjective = new VariationalProbabilityFlow(new VpfOptions { Estimator = FlowEstimator.Expected });
        var exactGradient = new ParameterSet(model.Architecture);
        double exactK = expectedObjective.Evaluate(model, visible, rows, exactGradient, 0).Value;

        var sampled = new VariationalProbabilityFlow(new VpfOptions { Estimator = FlowEstimator.Sampled });
        const int draws = 4000;
        var g = new ParameterSet(model.Architecture);
        int entries = exactGradient.Tensors.Sum(t => t.Length);
        var sum = new double[entries];
        var sumSq = new double[entries];
        double kSum = 0, kSumSq = 0;
        for (int d = 0; d < draws; d++)
        {
            double k = sampled.Evaluate(model, visible, rows, g, (ulong)d).Value;
            kSum += k;
            kSumSq += k * k;
            int i = 0;
            foreach (var t in g.Tensors)
                foreach (float x in t) { sum[i] += x; sumSq[i] += (double)x * x; i++; }
        }
        AssertWithinStandardErrors("K", exactK, kSum, kSumSq, draws);
        var exactEntries = exactGradient.Tensors.SelectMany(t => t).ToArray();
        for (int i = 0; i < entries; i++) AssertWithinStandardErrors($"gradient entry {i}", exactEntries[i], sum[i], sumSq[i], draws);
    }

    [Fact]
    public void Hidden_delta_is_zero_at_a_mean_field_fixed_point_so_mean_field_gives_upper_layers_no_gradient()
    {
        var model = TinyModels.Random(Architecture.Dbm(6, 5, 4), seed: 61, scale: 0.5);
        const int rows = 4;
        var rates = TinyModels.RandomStates(model, rows, seed: 62, binary: true);
        MeanFieldSweep.Run(model, rates, rows, sweeps: 300, damping: 0f, input: new float[rows * 6]);

        var flow = new FlowGradient(model, rows);
        var gradient = new ParameterSet(model.Architecture);
        flow.Compute(rates, rows, gradient);
        for (int l = 1; l < model.LayerCount; l++)
            foreach (float d in flow.Deltas[l].AsSpan(0, rows * model.LayerSize(l)))
                Assert.True(Math.Abs(d) < 1e-6, $"layer {l} δ = {d}");
        Assert.True(Norm(gradient.Weights[1]) < 1e-6, $"‖∂K/∂W1‖ = {Norm(gradient.Weights[1])}, expected 0");
        Assert.True(Norm(gradient.Biases[2]) < 1e-6);
        // Only the visible layer's terms carry gradient, into W0 and b0.
        Assert.True(Norm(gradient.Weights[0]) > 1e-3, $"‖∂K/∂W0‖ = {Norm(gradient.Weights[0])}");
        Assert.True(Norm(gradient.Biases[0]) > 1e-3);

        // The Sampled estimator on the same model does reach W1.
        var sampled = new VariationalProbabilityFlow(new VpfOptions { MeanFieldSweeps = 50 });
        sampled.Evaluate(model, rates[0], rows, gradient, 7);
        Assert.True(Norm(gradient.Weights[1]) > 1e-3, $"Sampled ‖∂K/∂W1‖ = {Norm(gradient.Weights[1])}");
    }

    private static void AssertWithinStandardErrors(string what, double exact, double sum, double sumSq, int n)
    {
        double mean = sum / n;
        double variance = Math.Max(0, sumSq / n - mean * mean);
        double standardError = Math.Sqrt(variance / n);
        // 5 standard errors over a few hundred entries: a false alarm has probability ~1e-4; a biased estimator fails.
        Assert.True(Math.Abs(mean - exact) <= 5 * standardError + 1e-6,
            $"{what}: sampled mean {mean} ± {standardError}, expected {exact}");
    }

    private static double Norm(float[] t) => Math.Sqrt(t.Sum(x => (double)x * x));

    private static (double K, ParameterSet Gradient) Enumerate(DeepBoltzmannMachine model, float[][] rates, int rows)
    {
        int hiddenUnits = model.Architecture.LayerSizes.Skip(1).Sum();
        var total = new ParameterSet(model.Architecture);
        var g = new ParameterSet(model.Architecture);
        var flow = new FlowGradient(model, 1);
        double k = 0;
        var state = Enumerable.Range(0, model.LayerCount).Select(l => new float[model.LayerSize(l)]).ToArray();
        for (int r = 0; r < rows; r++)
        {
            for (int bits = 0; bits < 1 << hiddenUnits; bits++)
            {
                double q = 1;
                int shift = 0;
                for (int l = 0; l < model.LayerCount; l++)
                {
                    int n = model.LayerSize(l);
                    for (int i = 0; i < n; i++)
                    {
                        double mu = rates[l][r * n + i];
                        if (l == 0) { state[0][i] = (float)mu; continue; }
                        int bit = (bits >> shift++) & 1;
                        state[l][i] = bit;
                        q *= bit == 1 ? mu : 1 - mu;
                    }
                }
                k += q * flow.Compute(state, 1, g).Value;
                using var acc = total.Tensors.GetEnumerator();
                foreach (var t in g.Tensors)
                {
                    acc.MoveNext();
                    for (int i = 0; i < t.Length; i++) acc.Current[i] += (float)(q * t[i] / rows);
                }
            }
        }
        return (k / rows, total);
    }
}
