using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Tests.Training;
using Vpf.Core.Training;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>The M-step of VPF with a Gaussian visible layer: score-matching visible terms next to the hidden flip terms (vpf-math.md §9).</summary>
public class GaussianFlowGradientTests
{
    [Theory]
    [MemberData(nameof(GaussianModels.Names), MemberType = typeof(GaussianModels))]
    public void K_is_the_score_matching_term_of_the_energy_plus_the_hidden_flip_flow(string architecture)
    {
        // Oracle from the energy alone: ½ (∂E/∂v_i)² − ∂²E/∂v_i² by central differences, exp(½(E(x) − E(x′))) per hidden flip.
        var model = GaussianModels.Random(architecture, seed: 21);
        const int rows = 4;
        var states = GaussianModels.RandomStates(model, rows, seed: 22, binary: true);
        var eval = new FlowGradient(model, rows).Compute(states, rows, new ParameterSet(model.Architecture));

        double expected = 0;
        const double h = 1e-3;
        for (int r = 0; r < rows; r++)
        {
            var x = FlowGradientTests.RowOf(model, states, r);
            double e = model.Energy(x);
            for (int i = 0; i < x[0].Length; i++)
            {
                float saved = x[0][i];
                x[0][i] = (float)(saved + h);
                double plus = model.Energy(x);
                x[0][i] = (float)(saved - h);
                double minus = model.Energy(x);
                x[0][i] = saved;
                double first = (plus - minus) / (2 * h), second = (plus - 2 * e + minus) / (h * h);
                expected += 0.5 * first * first - second;
            }
            for (int l = 1; l < x.Length; l++)
                for (int k = 0; k < x[l].Length; k++)
                {
                    x[l][k] = 1 - x[l][k];
                    expected += Math.Exp(0.5 * (e - model.Energy(x)));
                    x[l][k] = 1 - x[l][k];
                }
        }
        expected /= rows;
        Assert.Equal(expected, eval.Value, 2e-3 * Math.Abs(expected) + 2e-3);
    }

    [Theory]
    [MemberData(nameof(GaussianModels.Names), MemberType = typeof(GaussianModels))]
    public void Gradient_on_spikes_equals_central_finite_differences(string architecture) => AssertGradient(architecture, binary: true);

    [Theory]
    [MemberData(nameof(GaussianModels.Names), MemberType = typeof(GaussianModels))]
    public void Gradient_on_mean_field_rates_equals_central_finite_differences(string architecture) => AssertGradient(architecture, binary: false);

    [Fact]
    public void Visible_gradient_is_minus_the_residual_and_the_weight_rule_is_local()
    {
        // ∂K/∂b_i = mean(−r_i) and ∂K/∂W_ij = mean(−r_i h_j + δ_j v_i), with r = v − b − W h and δ_j the hidden flip derivative.
        var model = GaussianModels.Random("3-2", seed: 31);
        const int rows = 5;
        var states = GaussianModels.RandomStates(model, rows, seed: 32, binary: true);
        var flow = new FlowGradient(model, rows);
        var gradient = new ParameterSet(model.Architecture);
        flow.Compute(states, rows, gradient);
        int nv = 3, nh = 2;
        var w = model.Weights(0);
        var b = model.Biases(0);
        var c = model.Biases(1);
        var gb = new double[nv];
        var gw = new double[nv * nh];
        for (int r = 0; r < rows; r++)
        {
            var v = states[0].AsSpan(r * nv, nv);
            var hs = states[1].AsSpan(r * nh, nh);
            var delta = new double[nh];
            for (int j = 0; j < nh; j++)
            {
                double u = c[j];
                for (int i = 0; i < nv; i++) u += v[i] * w[i * nh + j];
                delta[j] = 0.5 * ((1 - hs[j]) * Math.Exp(u / 2) - hs[j] * Math.Exp(-u / 2));
            }
            for (int i = 0; i < nv; i++)
            {
                double res = v[i] - b[i];
                for (int j = 0; j < nh; j++) res -= w[i * nh + j] * hs[j];
                gb[i] -= res / rows;
                for (int j = 0; j < nh; j++) gw[i * nh + j] += (-res * hs[j] + delta[j] * v[i]) / rows;
            }
        }
        for (int i = 0; i < nv; i++) Assert.Equal(gb[i], gradient.Biases[0][i], 1e-5);
        for (int k = 0; k < nv * nh; k++) Assert.Equal(gw[k], gradient.Weights[0][k], 1e-5);
    }

    [Theory]
    [MemberData(nameof(GaussianModels.Names), MemberType = typeof(GaussianModels))]
    public void Expected_K_and_its_gradient_are_the_q_weighted_sums_over_every_hidden_configuration(string architecture)
    {
        // Oracle: enumerate the hidden states h with weight q(h) = Π μ^h (1 − μ)^{1−h} and average the joint K(v, h) and
        // its gradient from FlowGradient, itself tested against the energy and finite differences above.
        var model = GaussianModels.Random(architecture, seed: 41);
        const int rows = 3;
        var rates = GaussianModels.RandomStates(model, rows, seed: 42, binary: false);
        var gradient = new ParameterSet(model.Architecture);
        var value = new ExpectedFlow(model).Compute(rates, rows, gradient).Value;

        int hidden = model.Architecture.LayerSizes.Skip(1).Sum();
        double expected = 0;
        var expectedGradient = new ParameterSet(model.Architecture);
        var joint = new ParameterSet(model.Architecture);
        var flow = new FlowGradient(model, 1);
        for (int r = 0; r < rows; r++)
            for (int code = 0; code < 1 << hidden; code++)
            {
                var x = FlowGradientTests.RowOf(model, rates, r);
                double q = 1;
                int bit = 0;
                for (int l = 1; l < x.Length; l++)
                    for (int k = 0; k < x[l].Length; k++)
                    {
                        double mu = x[l][k];
                        x[l][k] = (code >> bit++) & 1;
                        q *= x[l][k] == 1 ? mu : 1 - mu;
                    }
                expected += q * flow.Compute(x, 1, joint).Value / rows;
                var to = expectedGradient.Tensors.ToList();
                var from = joint.Tensors.ToList();
                for (int t = 0; t < to.Count; t++)
                    for (int e = 0; e < to[t].Length; e++) to[t][e] += (float)(q * from[t][e] / rows);
            }
        Assert.Equal(expected, value, 1e-5 * Math.Abs(expected) + 1e-6);
        var analytic = gradient.Tensors.ToList();
        var oracle = expectedGradient.Tensors.ToList();
        for (int t = 0; t < analytic.Count; t++)
            for (int e = 0; e < analytic[t].Length; e++)
                Assert.True(Math.Abs(analytic[t][e] - oracle[t][e]) <= 1e-4 + 1e-4 * Math.Abs(oracle[t][e]),
                    $"{architecture} tensor {t}[{e}]: expected estimator {analytic[t][e]}, enumeration {oracle[t][e]}");
    }

    [Theory]
    [MemberData(nameof(GaussianModels.Names), MemberType = typeof(GaussianModels))]
    public void Expected_gradient_equals_central_finite_differences_with_the_rates_held_fixed(string architecture)
    {
        for (int seed = 0; seed < 2; seed++)
        {
            var model = GaussianModels.Random(architecture, seed: 140 + seed);
            const int rows = 4;
            var rates = GaussianModels.RandomStates(model, rows, seed: 240 + seed, binary: false);
            var expected = new ExpectedFlow(model);
            var gradient = new ParameterSet(model.Architecture);
            expected.Compute(rates, rows, gradient);
            var scratch = new ParameterSet(model.Architecture);
            double K() => expected.Compute(rates, rows, scratch).Value;
            foreach (var (tensor, g, index, mirror, name) in TinyModels.FreeParameters(model, gradient))
            {
                double numeric = TinyModels.CentralDifference(K, tensor, index, mirror, step: 1f / 256);
                double analytic = g[index];
                Assert.True(Math.Abs(numeric - analytic) <= 2e-3 + 2e-3 * Math.Abs(numeric),
                    $"{architecture} seed {seed} {name}: analytic {analytic}, finite difference {numeric}");
            }
        }
    }

    [Fact]
    public void Every_estimator_accepts_a_Gaussian_visible_layer()
    {
        var architecture = Architecture.Rbm(3, 2).WithVisibleUnits(VisibleUnitKind.Gaussian);
        foreach (var estimator in Enum.GetValues<FlowEstimator>())
            new VpfMethod { Options = new VpfOptions { Estimator = estimator } }.Validate(architecture);
    }

    private static void AssertGradient(string architecture, bool binary)
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var model = GaussianModels.Random(architecture, seed: 100 + seed);
            const int rows = 4;
            var states = GaussianModels.RandomStates(model, rows, seed: 200 + seed, binary);
            var flow = new FlowGradient(model, rows);
            var gradient = new ParameterSet(model.Architecture);
            flow.Compute(states, rows, gradient);
            var scratch = new ParameterSet(model.Architecture);
            double K() => flow.Compute(states, rows, scratch).Value;
            foreach (var (tensor, g, index, mirror, name) in TinyModels.FreeParameters(model, gradient))
            {
                double numeric = TinyModels.CentralDifference(K, tensor, index, mirror, step: 1f / 256);
                double analytic = g[index];
                Assert.True(Math.Abs(numeric - analytic) <= 2e-3 + 2e-3 * Math.Abs(numeric),
                    $"{architecture} seed {seed} {name}: analytic {analytic}, finite difference {numeric}");
            }
        }
    }
}

/// <summary>Centering (vpf-math.md §8) with a Gaussian visible layer: the transforms of §8 hold verbatim.</summary>
public class GaussianCenteringTests
{
    [Theory]
    [MemberData(nameof(GaussianModels.Names), MemberType = typeof(GaussianModels))]
    public void Centered_gradient_equals_central_finite_differences_of_K_in_centered_coordinates(string architecture)
    {
        foreach (bool binary in new[] { true, false })
        {
            var centered = GaussianModels.Random(architecture, seed: 120);
            var rng = new Random(121);
            var offsets = centered.Architecture.LayerSizes
                .Select((n, l) => Enumerable.Range(0, n).Select(_ => l == 0 ? (float)(0.5 * TinyModels.Normal(rng)) : (float)rng.NextDouble()).ToArray())
                .ToArray();
            var stored = new DeepBoltzmannMachine(centered.Parameters.Clone());
            CenteredCoordinates.ToUncentered(stored.Parameters, offsets);
            const int rows = 4;
            var states = GaussianModels.RandomStates(stored, rows, seed: 122, binary);
            var flow = new FlowGradient(stored, rows);
            var gradient = new ParameterSet(stored.Architecture);
            flow.Compute(states, rows, gradient);
            CenteredCoordinates.CenterGradient(gradient, offsets);

            var scratch = new ParameterSet(stored.Architecture);
            double K()
            {
                stored.Parameters.CopyFrom(centered.Parameters);
                CenteredCoordinates.ToUncentered(stored.Parameters, offsets);
                return flow.Compute(states, rows, scratch).Value;
            }
            foreach (var (tensor, g, index, mirror, name) in TinyModels.FreeParameters(centered, gradient))
            {
                double numeric = TinyModels.CentralDifference(K, tensor, index, mirror, step: 1f / 256);
                Assert.True(Math.Abs(numeric - g[index]) <= 2e-3 + 2e-3 * Math.Abs(numeric),
                    $"{architecture} binary={binary} {name}: centered gradient {g[index]}, finite difference {numeric}");
            }
        }
    }
}
