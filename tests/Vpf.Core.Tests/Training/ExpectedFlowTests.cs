using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Kernels;

namespace Vpf.Core.Tests.Training;

/// <summary>
/// The optimised <see cref="ExpectedFlow"/> (tabulated e^{±w/2}, blocked log-products, clamped rows as dot products,
/// vector lanes, work split over threads) against <see cref="ExpectedFlowReference"/>, the plain per-pair logaddexp
/// form it replaced, accumulated in double.
/// </summary>
[Collection("KernelSettings")]
public class ExpectedFlowTests
{
    public static TheoryData<string, double, string> Cases => new()
    {
        { "5-7L-6", 0.7, "visible binary" },
        { "13L-9-11L", 0.7, "visible rates" },
        { "17-21L-3", 1.5, "mixed" },
        { "8-16-8L-5", 0.7, "hidden clamped" },
        { "37L-29", 3.0, "visible binary" },
        { "37L-29", 3.0, "mixed" },
        { "4L", 0.7, "visible rates" },
        { "33-1", 0.7, "mixed" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Optimised_equals_the_per_pair_reference(string architecture, double scale, string states)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: architecture.Length + (int)(10 * scale), scale: scale);
        const int rows = 7;
        var rates = States(model, rows, seed: 3, states);
        AssertMatchesReference(model, rates, rows, $"{architecture} ({states}, scale {scale})");
    }

    [Fact]
    public void Scalar_tails_agree_with_vector_lanes()
    {
        var model = TinyModels.Random(TinyModels.Parse("19-23L-18"), seed: 4, scale: 1);
        var rates = States(model, 5, seed: 5, "mixed");
        VectorWidth.Run(0, () => AssertMatchesReference(model, rates, 5, "scalar"));
        Assert.True(KernelSettings.VectorBits >= 256 || !System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated);
        AssertMatchesReference(model, rates, 5, "vector");
    }

    [Fact]
    public void Weights_beyond_the_table_range_fall_back_to_the_scalar_form()
    {
        var model = TinyModels.Random(TinyModels.Parse("6-5L-4"), seed: 6, scale: 0.7);
        model.Weights(1)[3] = 750f; // e^{±375} factors: outside the tabulated path's range.
        var rates = States(model, 3, seed: 7, "visible binary");
        // Both endpoints off, so that the flow stays finite (a factor 1 − μ + μ e^{375} with μ = 0 is 1).
        for (int r = 0; r < 3; r++) rates[1][r * 5] = rates[2][r * 4 + 3] = 0;
        var gradient = new ParameterSet(model.Architecture);
        var eval = new ExpectedFlow(model).Compute(rates, 3, gradient);
        var reference = ExpectedFlowReference.Compute(model, rates, 3);
        Assert.True(double.IsFinite(eval.Value));
        Assert.Equal(reference.K, eval.Value, 1e-9 * reference.K);
        AssertGradient(reference, gradient, 1e-6, "fallback");
    }

    [Fact]
    public void One_and_several_threads_give_bit_identical_results()
    {
        // Large enough that the work is split over threads (rows × edges ≥ 2^15).
        var model = TinyModels.Random(TinyModels.Parse("61L-43L-30"), seed: 8, scale: 0.5);
        const int rows = 16;
        var rates = States(model, rows, seed: 9, "mixed");
        int saved = KernelSettings.MaxThreads;
        var results = new List<(double K, float[] Gradient)>();
        try
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                KernelSettings.MaxThreads = threads;
                var gradient = new ParameterSet(model.Architecture);
                var flow = new ExpectedFlow(model);
                double k = flow.Compute(rates, rows, gradient).Value;
                // A second call on the same instance reuses its buffers and must not change anything either.
                Assert.Equal(k, flow.Compute(rates, rows, gradient).Value);
                results.Add((k, gradient.Tensors.SelectMany(t => t).ToArray()));
            }
        }
        finally { KernelSettings.MaxThreads = saved; }
        foreach (var (k, g) in results.Skip(1))
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(results[0].K), BitConverter.DoubleToInt64Bits(k));
            Assert.Equal(results[0].Gradient, g);
        }
        AssertMatchesReference(model, rates, rows, "threaded");
    }

    [Fact]
    public void Reuse_with_a_smaller_then_larger_batch_matches_fresh_instances()
    {
        var model = TinyModels.Random(TinyModels.Parse("9-10L-7"), seed: 10, scale: 0.8);
        var flow = new ExpectedFlow(model);
        foreach (int rows in new[] { 4, 2, 6 })
        {
            var rates = States(model, rows, seed: rows, "mixed");
            var reused = new ParameterSet(model.Architecture);
            var fresh = new ParameterSet(model.Architecture);
            Assert.Equal(new ExpectedFlow(model).Compute(rates, rows, fresh).Value, flow.Compute(rates, rows, reused).Value);
            Assert.Equal(fresh.Tensors.SelectMany(t => t), reused.Tensors.SelectMany(t => t));
        }
    }

    private static void AssertMatchesReference(DeepBoltzmannMachine model, float[][] rates, int rows, string what)
    {
        var gradient = new ParameterSet(model.Architecture);
        // Dirty the output: Compute overwrites it.
        foreach (var t in gradient.Tensors) Array.Fill(t, 123f);
        var eval = new ExpectedFlow(model).Compute(rates, rows, gradient);
        var reference = ExpectedFlowReference.Compute(model, rates, rows);
        Assert.True(Math.Abs(eval.Value - reference.K) <= 1e-9 * Math.Abs(reference.K), $"{what}: K = {eval.Value}, reference {reference.K}");
        AssertGradient(reference, gradient, 1e-9, what);
    }

    /// <summary>
    /// Each entry within <paramref name="relative"/> of the double reference plus the rounding of the result to float
    /// (half an ulp, 2⁻²⁴ relative); lateral diagonals exactly 0 and lateral gradients exactly symmetric.
    /// </summary>
    private static void AssertGradient((double K, double[][] Gradient) reference, ParameterSet gradient, double relative, string what)
    {
        var tensors = gradient.Tensors.ToArray();
        Assert.Equal(reference.Gradient.Length, tensors.Length);
        for (int t = 0; t < tensors.Length; t++)
        {
            double largest = reference.Gradient[t].Select(Math.Abs).DefaultIfEmpty(0).Max();
            for (int i = 0; i < tensors[t].Length; i++)
            {
                double x = reference.Gradient[t][i], y = tensors[t][i];
                double tolerance = relative * Math.Abs(x) + Math.Abs(x) * Math.Pow(2, -24) + 1e-12 * largest;
                Assert.True(Math.Abs(x - y) <= tolerance, $"{what}: tensor {t} entry {i}: {y}, reference {x}");
            }
        }
        var model = gradient.Architecture;
        for (int l = 0; l < model.LayerCount; l++)
            if (gradient.Laterals[l] is { } g)
            {
                int n = model.LayerSizes[l];
                for (int k = 0; k < n; k++)
                {
                    Assert.Equal(0f, g[k * n + k]);
                    for (int j = 0; j < n; j++) Assert.Equal(g[k * n + j], g[j * n + k]);
                }
            }
    }

    /// <summary>
    /// States per layer: "visible binary" (hidden rates in (0, 1)), "visible rates" (every layer in (0, 1)),
    /// "hidden clamped" (hidden rows alternately all 0/1 and rates), "mixed" (rows alternately binary and rates in every
    /// layer, and some rate rows with individual 0/1 entries).
    /// </summary>
    private static float[][] States(DeepBoltzmannMachine model, int rows, int seed, string kind)
    {
        var rng = new Random(seed);
        var states = new float[model.LayerCount][];
        for (int l = 0; l < model.LayerCount; l++)
        {
            int n = model.LayerSize(l);
            states[l] = new float[rows * n];
            for (int r = 0; r < rows; r++)
            {
                bool binaryRow = kind switch
                {
                    "visible binary" => l == 0,
                    "visible rates" => false,
                    "hidden clamped" => l == 0 || r % 2 == 0,
                    _ => r % 2 == 0,
                };
                for (int k = 0; k < n; k++)
                {
                    float x = binaryRow ? rng.Next(2) : (float)(0.02 + 0.96 * rng.NextDouble());
                    if (kind == "mixed" && !binaryRow && r % 4 == 1 && rng.Next(4) == 0) x = rng.Next(2);
                    states[l][r * n + k] = x;
                }
            }
        }
        return states;
    }
}

/// <summary>
/// The plain form of the Expected estimator (vpf-math.md §3.2), as ExpectedFlow computed it before it was optimised:
/// per (row, unit, neighbour) one logaddexp for each of A and B and one stable sigmoid per ρ; here every sum is kept in
/// double, so that the optimised path can be held to 1e-9.
/// </summary>
internal static class ExpectedFlowReference
{
    /// <summary>Batch mean of Σ_k E_q[φ_k] and its gradient, tensors in <see cref="ParameterSet.Tensors"/> order.</summary>
    public static (double K, double[][] Gradient) Compute(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int rows)
    {
        int layers = model.LayerCount;
        var weights = Enumerable.Range(0, layers - 1).Select(l => new double[model.Weights(l).Length]).ToArray();
        var biases = Enumerable.Range(0, layers).Select(l => new double[model.LayerSize(l)]).ToArray();
        var laterals = Enumerable.Range(0, layers).Select(l => model.Lateral(l) is { } lat ? new double[lat.Length] : null).ToArray();
        var a = Enumerable.Range(0, layers).Select(l => new double[model.LayerSize(l)]).ToArray();
        var b = Enumerable.Range(0, layers).Select(l => new double[model.LayerSize(l)]).ToArray();
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            double Mu(int l, int k) => rates[l][r * model.LayerSize(l) + k];
            for (int l = 0; l < layers; l++)
            {
                int n = model.LayerSize(l);
                var bias = model.Biases(l);
                for (int k = 0; k < n; k++)
                {
                    double logA = Math.Log(Mu(l, k)) - 0.5 * bias[k];
                    double logB = Math.Log(1.0 - Mu(l, k)) + 0.5 * bias[k];
                    foreach (var (mu, w) in Neighbours(model, rates, l, k, r))
                    {
                        logA += LogMix(mu, -0.5 * w);
                        logB += LogMix(mu, 0.5 * w);
                    }
                    a[l][k] = Math.Exp(logA);
                    b[l][k] = Math.Exp(logB);
                    total += a[l][k] + b[l][k];
                    biases[l][k] += 0.5 * (b[l][k] - a[l][k]) / rows;
                }
            }
            for (int l = 0; l < layers; l++)
            {
                int n = model.LayerSize(l);
                if (l + 1 < layers)
                {
                    int m = model.LayerSize(l + 1);
                    var w = model.Weights(l);
                    for (int k = 0; k < n; k++)
                        for (int j = 0; j < m; j++)
                            weights[l][k * m + j] += (EdgeTerm(a[l][k], b[l][k], Mu(l + 1, j), w[k * m + j])
                                + EdgeTerm(a[l + 1][j], b[l + 1][j], Mu(l, k), w[k * m + j])) / rows;
                }
                if (model.Lateral(l) is { } lat)
                    for (int k = 0; k < n; k++)
                        for (int j = k + 1; j < n; j++)
                        {
                            double d = (EdgeTerm(a[l][k], b[l][k], Mu(l, j), lat[k * n + j]) + EdgeTerm(a[l][j], b[l][j], Mu(l, k), lat[k * n + j])) / rows;
                            laterals[l]![k * n + j] += d;
                            laterals[l]![j * n + k] += d;
                        }
            }
        }
        var tensors = new List<double[]>();
        tensors.AddRange(weights);
        tensors.AddRange(biases);
        tensors.AddRange(laterals.OfType<double[]>());
        return (total / rows, tensors.ToArray());
    }

    private static IEnumerable<(double Mu, double Weight)> Neighbours(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int l, int k, int r)
    {
        int n = model.LayerSize(l);
        if (l > 0)
        {
            int below = model.LayerSize(l - 1);
            var w = model.Weights(l - 1);
            for (int j = 0; j < below; j++) yield return (rates[l - 1][r * below + j], w[j * n + k]);
        }
        if (l + 1 < model.LayerCount)
        {
            int above = model.LayerSize(l + 1);
            var w = model.Weights(l);
            for (int j = 0; j < above; j++) yield return (rates[l + 1][r * above + j], w[k * above + j]);
        }
        if (model.Lateral(l) is { } lat)
            for (int j = 0; j < n; j++)
                if (j != k) yield return (rates[l][r * n + j], lat[k * n + j]);
    }

    private static double EdgeTerm(double a, double b, double mu, double w) =>
        -0.5 * a * Tilted(mu, -0.5 * w) + 0.5 * b * Tilted(mu, 0.5 * w);

    private static double LogMix(double mu, double a)
    {
        if (mu <= 0) return 0;
        if (mu >= 1) return a;
        double p = Math.Log(1 - mu), q = Math.Log(mu) + a;
        double hi = Math.Max(p, q);
        return hi + Math.Log(Math.Exp(p - hi) + Math.Exp(q - hi));
    }

    private static double Tilted(double mu, double a)
    {
        if (mu <= 0) return 0;
        if (mu >= 1) return 1;
        double z = Math.Log(mu) - Math.Log(1 - mu) + a;
        return z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
    }
}
