using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;

namespace Vpf.Core.Tests.Training;

public class FlowGradientTests
{
    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Gradient_on_binary_states_equals_central_finite_differences(string architecture) =>
        AssertGradientMatchesFiniteDifferences(architecture, binary: true);

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Gradient_on_mean_field_states_equals_central_finite_differences(string architecture) =>
        AssertGradientMatchesFiniteDifferences(architecture, binary: false);

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void K_on_binary_states_is_the_mpf_flow_computed_from_energy_differences(string architecture)
    {
        // For binary x, φ_k = exp(½ (1 − 2x_k) u_k) = exp(½ (E(x) − E(x with k flipped))): check through the energy.
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 11);
        const int rows = 5;
        var states = TinyModels.RandomStates(model, rows, seed: 12, binary: true);
        var eval = new FlowGradient(model, rows).Compute(states, rows, new ParameterSet(model.Architecture));

        double expected = 0;
        for (int r = 0; r < rows; r++)
        {
            var x = RowOf(model, states, r);
            double e = model.Energy(x);
            foreach (var layer in x)
                for (int k = 0; k < layer.Length; k++)
                {
                    layer[k] = 1 - layer[k];
                    expected += Math.Exp(0.5 * (e - model.Energy(x)));
                    layer[k] = 1 - layer[k];
                }
        }
        expected /= rows;
        Assert.True(eval.Value > 0);
        Assert.Equal(expected, eval.Value, 1e-5 * expected);
        Assert.Equal(0, eval.ClampCount);
    }

    [Fact]
    public void Rbm_hidden_flow_at_mean_field_rates_is_inverse_cosh_of_half_the_field()
    {
        var model = TinyModels.Random(Architecture.Rbm(4, 3), seed: 5);
        const int rows = 3;
        var states = TinyModels.RandomStates(model, rows, seed: 6, binary: true);
        // Mean-field rates of the hidden layer: μ = σ(u).
        var flow = new FlowGradient(model, rows);
        flow.Compute(states, rows, new ParameterSet(model.Architecture));
        var u = flow.Fields[1].ToArray();
        for (int i = 0; i < u.Length; i++) states[1][i] = 1f / (1f + MathF.Exp(-u[i]));
        var eval = flow.Compute(states, rows, new ParameterSet(model.Architecture));

        // K = (visible terms) + Σ 1/cosh(u/2); recompute the visible part by the unified formula.
        double hidden = u.Sum(x => 1 / Math.Cosh(x / 2));
        double visible = 0;
        var uv = flow.Fields[0];
        for (int i = 0; i < uv.Length; i++)
            visible += Math.Exp(0.5 * (1 - 2 * states[0][i]) * uv[i]);
        Assert.Equal((hidden + visible) / rows, eval.Value, 1e-5);
        foreach (float d in flow.Deltas[1]) Assert.True(Math.Abs(d) < 1e-6, $"hidden δ = {d}, expected 0 at μ = σ(u)");
    }

    [Fact]
    public void Gradient_is_overwritten_not_accumulated()
    {
        var model = TinyModels.Random(TinyModels.Parse("2-3L-2"), seed: 3);
        var states = TinyModels.RandomStates(model, 4, seed: 4, binary: true);
        var flow = new FlowGradient(model, 4);
        var once = new ParameterSet(model.Architecture);
        flow.Compute(states, 4, once);
        var twice = new ParameterSet(model.Architecture);
        flow.Compute(states, 4, twice);
        flow.Compute(states, 4, twice);
        Assert.Equal(once.Tensors.SelectMany(t => t), twice.Tensors.SelectMany(t => t));
    }

    private static void AssertGradientMatchesFiniteDifferences(string architecture, bool binary)
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 100 + seed);
            const int rows = 4;
            var states = TinyModels.RandomStates(model, rows, seed: 200 + seed, binary);
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
                if (mirror >= 0) Assert.Equal(g[index], g[mirror]);
            }
        }
    }

    internal static float[][] RowOf(DeepBoltzmannMachine model, float[][] states, int r) =>
        Enumerable.Range(0, model.LayerCount)
            .Select(l => states[l].AsSpan(r * model.LayerSize(l), model.LayerSize(l)).ToArray())
            .ToArray();
}
