using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Kernels;

namespace Vpf.Core.Tests.Training;

/// <summary>
/// The optimised <see cref="ExpectedFlow"/> (tabulated e^{±w/2}, blocked log-products, clamped rows as dot products,
/// vector lanes, work split over threads) against two oracles that share no code with it: the expectation under the
/// factorised q summed over every joint state (small models), and the closed form of vpf-math.md §3 evaluated with
/// plain products in double (larger models), itself checked against the enumeration.
/// </summary>
[Collection("KernelSettings")]
public class ExpectedFlowTests
{
    /// <summary>Models whose rows have at most 13 units with a rate strictly between 0 and 1: small enough to enumerate.</summary>
    public static TheoryData<string, double, string> SmallCases => new()
    {
        { "5-7L-6", 0.7, "visible binary" },
        { "4L-3-3L", 0.7, "visible rates" },
        { "5-6L-3", 1.5, "mixed" },
        { "4-5-4L-2", 0.7, "hidden clamped" },
        { "6L-7", 3.0, "visible binary" },
        { "4L", 0.7, "visible rates" },
    };

    public static TheoryData<string, double, string> LargeCases => new()
    {
        { "17-21L-3", 1.5, "mixed" },
        { "8-16-8L-5", 0.7, "hidden clamped" },
        { "37L-29", 3.0, "visible binary" },
        { "37L-29", 3.0, "mixed" },
        { "33-1", 0.7, "mixed" },
    };

    [Theory]
    [MemberData(nameof(SmallCases))]
    public void Optimised_equals_the_expectation_summed_over_every_joint_state(string architecture, double scale, string states)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: architecture.Length + (int)(10 * scale), scale: scale);
        const int rows = 5;
        var rates = States(model, rows, seed: 3, states);
        AssertMatches(ExpectedFlowEnumeration.Compute(model, rates, rows), model, rates, rows, $"{architecture} ({states}, scale {scale})");
    }

    [Theory]
    [MemberData(nameof(LargeCases))]
    public void Optimised_equals_the_closed_form_in_plain_products(string architecture, double scale, string states)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: architecture.Length + (int)(10 * scale), scale: scale);
        const int rows = 7;
        var rates = States(model, rows, seed: 3, states);
        AssertMatches(ExpectedFlowProducts.Compute(model, rates, rows), model, rates, rows, $"{architecture} ({states}, scale {scale})");
    }

    [Theory]
    [MemberData(nameof(SmallCases))]
    public void The_two_oracles_agree(string architecture, double scale, string states)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: architecture.Length + (int)(10 * scale), scale: scale);
        var rates = States(model, 3, seed: 4, states);
        var enumerated = ExpectedFlowEnumeration.Compute(model, rates, 3);
        var products = ExpectedFlowProducts.Compute(model, rates, 3);
        Assert.Equal(enumerated.K, products.K, 1e-12 * enumerated.K);
        for (int t = 0; t < enumerated.Gradient.Length; t++)
            for (int i = 0; i < enumerated.Gradient[t].Length; i++)
                Assert.Equal(enumerated.Gradient[t][i], products.Gradient[t][i], 1e-11 * (1 + Math.Abs(enumerated.Gradient[t][i])));
    }

    [Fact]
    public void A_hand_computed_single_edge_matches()
    {
        // Two units joined by w = 2 with biases 0, rates μ₀ = 1 (clamped on) and μ₁ = ½. x₀ = 1 always, so
        // φ₀ = e^{−u₀/2} with u₀ = 2x₁: E = ½·1 + ½·e^{−1}; φ₁ = e^{(1−2x₁)u₁/2} with u₁ = 2: E = ½·e^{−1} + ½·e.
        // K = ½ + e^{−1} + ½e.
        var model = TinyModels.Random(TinyModels.Parse("1-1"), seed: 1);
        model.Weights(0)[0] = 2f;
        model.Biases(0)[0] = model.Biases(1)[0] = 0f;
        var rates = new[] { new[] { 1f }, new[] { 0.5f } };
        var gradient = new ParameterSet(model.Architecture);
        double k = new ExpectedFlow(model).Compute(rates, 1, gradient).Value;
        Assert.Equal(0.5 + Math.Exp(-1) + 0.5 * Math.E, k, 1e-12);
    }

    [Fact]
    public void Scalar_tails_agree_with_vector_lanes()
    {
        var model = TinyModels.Random(TinyModels.Parse("19-23L-18"), seed: 4, scale: 1);
        var rates = States(model, 5, seed: 5, "mixed");
        var oracle = ExpectedFlowProducts.Compute(model, rates, 5);
        foreach (int bits in new[] { 0, 128, 256 })
            VectorWidth.Run(bits, () => AssertMatches(oracle, model, rates, 5, $"{bits}-bit path"));
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
        var reference = ExpectedFlowProducts.Compute(model, rates, 3);
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
        AssertMatches(ExpectedFlowProducts.Compute(model, rates, rows), model, rates, rows, "threaded");
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

    private static void AssertMatches((double K, double[][] Gradient) reference, DeepBoltzmannMachine model, float[][] rates, int rows, string what)
    {
        var gradient = new ParameterSet(model.Architecture);
        // Dirty the output: Compute overwrites it.
        foreach (var t in gradient.Tensors) Array.Fill(t, 123f);
        var eval = new ExpectedFlow(model).Compute(rates, rows, gradient);
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

