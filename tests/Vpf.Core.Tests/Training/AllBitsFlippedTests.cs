using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;

namespace Vpf.Core.Tests.Training;

/// <summary>
/// The flow to the all-bits-flipped state (vpf-math.md §10.1) against oracles that share no code with it: the energy
/// function evaluated at x and 1 − x, the expectation under q summed over every hidden state, and central finite
/// differences of K.
/// </summary>
public class AllBitsFlippedTests
{
    public static TheoryData<string> Architectures => ["6-4L-3", "3-2", "3L-2", "2-3L-2L", "4L", "2-2-2-2"];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void K_on_binary_states_is_the_mean_of_exp_half_the_energy_difference_to_the_complement(string architecture) =>
        AssertKIsTheEnergyDifference(architecture, binary: true);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void K_on_mean_field_states_is_the_same_formula_at_the_rates(string architecture) =>
        AssertKIsTheEnergyDifference(architecture, binary: false);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Expected_K_is_the_expectation_under_q_summed_over_every_hidden_state(string architecture)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 31, scale: 0.9);
        const int rows = 3;
        var rates = TinyModels.RandomStates(model, rows, seed: 32, binary: false);
        var eval = new AllBitsFlippedFlow(model).Add(rates, rows, new ParameterSet(model.Architecture), expected: true);

        double expected = 0;
        for (int r = 0; r < rows; r++)
        {
            var mu = FlowGradientTests.RowOf(model, rates, r);
            var hidden = Enumerable.Range(1, model.LayerCount - 1).SelectMany(l => Enumerable.Range(0, mu[l].Length).Select(k => (l, k))).ToArray();
            var x = mu.Select(layer => layer.ToArray()).ToArray();
            for (int bits = 0; bits < 1 << hidden.Length; bits++)
            {
                double weight = 1;
                for (int i = 0; i < hidden.Length; i++)
                {
                    var (l, k) = hidden[i];
                    x[l][k] = (bits >> i) & 1;
                    weight *= x[l][k] == 1 ? mu[l][k] : 1.0 - mu[l][k];
                }
                expected += weight * Math.Exp(0.5 * EnergyToComplement(model, x));
            }
        }
        expected /= rows;
        Assert.Equal(expected, eval.Value, 1e-9 * expected);
        Assert.Equal(0, eval.ClampCount);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Gradient_on_binary_states_equals_central_finite_differences(string architecture) =>
        AssertGradientMatchesFiniteDifferences(architecture, binary: true, expected: false);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Gradient_on_mean_field_states_equals_central_finite_differences(string architecture) =>
        AssertGradientMatchesFiniteDifferences(architecture, binary: false, expected: false);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Expected_gradient_equals_central_finite_differences(string architecture) =>
        AssertGradientMatchesFiniteDifferences(architecture, binary: false, expected: true);

    [Theory]
    [InlineData(FlowEstimator.Sampled)]
    [InlineData(FlowEstimator.MeanField)]
    [InlineData(FlowEstimator.Expected)]
    public void The_objective_adds_the_term_and_its_gradient_to_the_single_flips_and_keeps_laterals_symmetric(FlowEstimator estimator)
    {
        var model = TinyModels.Random(TinyModels.Parse("6-4L-3L"), seed: 41, scale: 0.5);
        const int rows = 7;
        var visible = TinyModels.RandomStates(model, rows, seed: 42, binary: true)[0];
        var off = new VariationalProbabilityFlow(new VpfOptions { Estimator = estimator, MeanFieldSweeps = 3 });
        var on = new VariationalProbabilityFlow(new VpfOptions { Estimator = estimator, MeanFieldSweeps = 3, AllBitsFlipped = true });
        var gOff = new ParameterSet(model.Architecture);
        var gOn = new ParameterSet(model.Architecture);
        var kOff = off.Evaluate(model, visible, rows, gOff, randomKey: 5);
        var kOn = on.Evaluate(model, visible, rows, gOn, randomKey: 5);

        // The same states (same key, same E-step) carry the extra term: for the deterministic estimators it is known here.
        Assert.True(kOn.Value > kOff.Value);
        if (estimator != FlowEstimator.Sampled)
        {
            var term = new ParameterSet(model.Architecture);
            var complement = new AllBitsFlippedFlow(model).Add(on.Rates.ToArray(), rows, term, expected: estimator == FlowEstimator.Expected);
            Assert.Equal(kOff.Value + complement.Value, kOn.Value, 1e-12 * kOn.Value);
            var sum = gOff.Tensors.SelectMany(t => t).Zip(term.Tensors.SelectMany(t => t), (a, b) => a + b);
            Assert.Equal(sum, gOn.Tensors.SelectMany(t => t));
        }
        foreach (var (g, l) in gOn.Laterals.Select((g, l) => (g, l)).Where(p => p.g is not null))
        {
            int n = model.LayerSize(l);
            for (int k = 0; k < n; k++)
            {
                Assert.Equal(0f, g![k * n + k]);
                for (int j = 0; j < n; j++) Assert.Equal(g[k * n + j], g[j * n + k]);
            }
        }
    }

    [Fact]
    public void An_energy_difference_beyond_the_limit_is_clamped_from_above_and_counted()
    {
        // 3-2 with every bias 30: ΔE = Σ b (1 − 2x) = 150 at x = 0, so ½ΔE = 75 is clamped to 30 on the all-zero row;
        // the all-one row has ½ΔE = −75, which is not clamped (e^{−75} is the true, harmless value).
        var model = new DeepBoltzmannMachine(Architecture.Rbm(3, 2));
        foreach (var b in model.Parameters.Biases) Array.Fill(b, 30f);
        var states = new[] { new float[2 * 3], new float[2 * 2] };
        states[0][3] = states[0][4] = states[0][5] = states[1][2] = states[1][3] = 1f;
        var gradient = new ParameterSet(model.Architecture);
        var eval = new AllBitsFlippedFlow(model).Add(states, 2, gradient, expected: false);
        Assert.Equal(1, eval.ClampCount);
        Assert.Equal((Math.Exp(30) + Math.Exp(-75)) / 2, eval.Value, 1e-12 * eval.Value);
        // ∂/∂b_k = ½ mean φ̄ (1 − 2x_k): row 0 contributes +e^{30}, row 1 −e^{−75}.
        Assert.Equal((Math.Exp(30) - Math.Exp(-75)) / 4, gradient.Biases[0][0], 1e-6 * Math.Exp(30));
    }

    [Fact]
    public void Shard_results_recombine_into_the_whole_batch_result()
    {
        var model = TinyModels.Random(TinyModels.Parse("12-8-5"), seed: 51, scale: 0.3);
        const int rows = 30;
        var visible = TinyModels.RandomStates(model, rows, seed: 52, binary: true)[0];
        var vpf = new VariationalProbabilityFlow(new VpfOptions { MeanFieldSweeps = 3, AllBitsFlipped = true });
        var whole = new ParameterSet(model.Architecture);
        var first = new ParameterSet(model.Architecture);
        var second = new ParameterSet(model.Architecture);
        double k = vpf.Evaluate(model, visible, rows, whole, 99).Value;
        double k1 = vpf.Evaluate(model, visible.AsSpan(0, 12 * 12), 12, first, 99, new BatchShard(0, rows)).Value;
        double k2 = vpf.Evaluate(model, visible.AsSpan(12 * 12), 18, second, 99, new BatchShard(12, rows)).Value;
        Assert.Equal(k, (12 * k1 + 18 * k2) / rows, 1e-9 * k);
        var a = whole.Tensors.SelectMany(t => t).ToArray();
        var b = first.Tensors.SelectMany(t => t).Zip(second.Tensors.SelectMany(t => t), (x, y) => (12 * x + 18 * y) / rows).ToArray();
        Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() < 1e-5, "recombined shard gradient differs");
    }

    [Fact]
    public void Gaussian_visible_units_are_refused_naming_the_option()
    {
        var gaussian = Architecture.Rbm(4, 3).WithVisibleUnits(VisibleUnitKind.Gaussian);
        var vpf = new VariationalProbabilityFlow(new VpfOptions { AllBitsFlipped = true });
        var e = Assert.Throws<InvalidOptionsException>(() => vpf.Validate(gaussian));
        Assert.Equal(nameof(VpfOptions.AllBitsFlipped), e.Option);
        Assert.Contains("Gaussian", e.Detail);
        var plan = new TrainingPlan { Architecture = gaussian, Method = new VpfMethod { Options = new VpfOptions { AllBitsFlipped = true } } };
        var planError = Assert.Throws<InvalidOptionsException>(plan.Validate);
        Assert.Contains(nameof(VpfOptions.AllBitsFlipped), planError.Detail);
        new VariationalProbabilityFlow(new VpfOptions()).Validate(gaussian); // without the option the same machine trains
    }

    [Fact]
    public void The_option_is_recorded_in_the_options_json_only_when_on_and_reads_back()
    {
        var on = new VpfMethod { Options = new VpfOptions { AllBitsFlipped = true, Estimator = FlowEstimator.MeanField } };
        string json = on.OptionsJson()!;
        Assert.Contains("\"allBitsFlipped\": true", json);
        Assert.Equal(on, TrainingMethod.TryParse("vpf", json));
        Assert.DoesNotContain("allBitsFlipped", new VpfMethod().OptionsJson()!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(new VpfMethod(), TrainingMethod.TryParse("vpf", new VpfMethod().OptionsJson()));
        Assert.Equal("vpf (MeanField, 10 sweeps, all bits flipped)", on.Description);
        Assert.Equal("vpf (Sampled, 10 sweeps)", new VpfMethod().Description);
        Assert.True(on.Settings.AllBitsFlipped);
        Assert.Equal(on, new VpfMethod { Options = new VpfOptions { Estimator = FlowEstimator.MeanField } }.With(new MethodSettings { AllBitsFlipped = true }));
        Assert.Null(new CdMethod().Settings.AllBitsFlipped);
    }

    private static void AssertKIsTheEnergyDifference(string architecture, bool binary)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 21, scale: 0.9);
        const int rows = 5;
        var states = TinyModels.RandomStates(model, rows, seed: 22, binary);
        // Rates on a grid of 1/1024, so that the oracle's 1 − x is exact in float and the energies differ only by rounding in double.
        foreach (var layer in states)
            for (int i = 0; i < layer.Length; i++) layer[i] = MathF.Round(layer[i] * 1024) / 1024;
        var eval = new AllBitsFlippedFlow(model).Add(states, rows, new ParameterSet(model.Architecture), expected: false);
        double expected = 0;
        for (int r = 0; r < rows; r++) expected += Math.Exp(0.5 * EnergyToComplement(model, FlowGradientTests.RowOf(model, states, r)));
        expected /= rows;
        Assert.Equal(expected, eval.Value, 1e-9 * expected);
        Assert.Equal(0, eval.ClampCount);
    }

    /// <summary>E(x) − E(1 − x) by the model's own energy function.</summary>
    private static double EnergyToComplement(DeepBoltzmannMachine model, float[][] x) =>
        model.Energy(x) - model.Energy(x.Select(layer => layer.Select(v => 1 - v).ToArray()).ToArray());

    private static void AssertGradientMatchesFiniteDifferences(string architecture, bool binary, bool expected)
    {
        for (int seed = 0; seed < 2; seed++)
        {
            var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 300 + seed, scale: 0.5);
            const int rows = 4;
            var states = TinyModels.RandomStates(model, rows, seed: 400 + seed, binary);
            var flow = new AllBitsFlippedFlow(model);
            var gradient = new ParameterSet(model.Architecture);
            flow.Add(states, rows, gradient, expected);
            double K() => flow.Add(states, rows, new ParameterSet(model.Architecture), expected).Value;

            foreach (var (tensor, g, index, mirror, name) in TinyModels.FreeParameters(model, gradient))
            {
                double numeric = TinyModels.CentralDifference(K, tensor, index, mirror, step: 1f / 256);
                double analytic = g[index];
                Assert.True(Math.Abs(numeric - analytic) <= 1e-3 + 1e-3 * Math.Abs(numeric),
                    $"{architecture} seed {seed} {name}: analytic {analytic}, finite difference {numeric}");
                if (mirror >= 0) Assert.Equal(g[index], g[mirror]);
            }
        }
    }
}
