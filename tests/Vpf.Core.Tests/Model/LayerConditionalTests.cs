using Vpf.Core.Model;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Model;

/// <summary>The one layer conditional against its definition written out in double.</summary>
public class LayerConditionalTests
{
    private const int Rows = 3;

    /// <summary>x_{l−1} W_{l−1} + x_{l+1} W_lᵀ of row r, unit k, in double; a null neighbour is left out.</summary>
    private static double Input(DeepBoltzmannMachine model, int layer, float[]? below, float[]? above, int r, int k)
    {
        int n = model.LayerSize(layer);
        double u = 0;
        if (below is not null)
        {
            int m = model.LayerSize(layer - 1);
            for (int j = 0; j < m; j++) u += (double)below[r * m + j] * model.Weights(layer - 1)[j * n + k];
        }
        if (above is not null)
        {
            int m = model.LayerSize(layer + 1);
            for (int j = 0; j < m; j++) u += (double)above[r * m + j] * model.Weights(layer)[k * m + j];
        }
        return u;
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void The_neighbour_input_is_the_sum_of_the_given_neighbours_products(bool withBelow, bool withAbove)
    {
        var model = TinyModels.Random(TinyModels.Parse("7-5-6"), seed: 41);
        var states = TinyModels.RandomStates(model, Rows, seed: 42, binary: false);
        float[]? below = withBelow ? states[0] : null, above = withAbove ? states[2] : null;
        var input = Enumerable.Repeat(9f, Rows * 5).ToArray(); // dirty: overwritten, not added to
        LayerConditional.NeighbourInput(model, 1, below, above, input, Rows);
        for (int r = 0; r < Rows; r++)
            for (int k = 0; k < 5; k++)
                Assert.Equal(Input(model, 1, below, above, r, k), input[r * 5 + k], 1e-5);

        LayerConditional.AddNeighbourInput(model, 1, below, above, input, Rows);
        for (int r = 0; r < Rows; r++)
            for (int k = 0; k < 5; k++)
                Assert.Equal(2 * Input(model, 1, below, above, r, k), input[r * 5 + k], 2e-5);
    }

    [Fact]
    public void The_rates_from_the_neighbours_are_the_sigmoid_of_bias_plus_scaled_input()
    {
        var model = TinyModels.Random(TinyModels.Parse("7-5-6"), seed: 43);
        var states = TinyModels.RandomStates(model, Rows, seed: 44, binary: true);
        foreach (float scale in new[] { 1f, 2f })
        {
            var rates = new float[Rows * 5];
            LayerConditional.RatesFromNeighbours(model, 1, states[0], states[2], rates, Rows, scale);
            for (int r = 0; r < Rows; r++)
                for (int k = 0; k < 5; k++)
                {
                    double z = model.Biases(1)[k] + scale * Input(model, 1, states[0], states[2], r, k);
                    Assert.Equal(1 / (1 + Math.Exp(-z)), rates[r * 5 + k], 1e-6);
                }
        }
    }

    [Fact]
    public void A_draw_follows_the_sign_of_a_decisive_field()
    {
        // Biases of ±40 make σ 0 or 1 to within 1e-17: every unit's state is known.
        var model = TinyModels.Random(TinyModels.Parse("6-4"), seed: 45, scale: 0.1);
        for (int k = 0; k < 4; k++) model.Biases(1)[k] = k % 2 == 0 ? 40f : -40f;
        var visible = TinyModels.RandomStates(model, Rows, seed: 46, binary: true)[0];
        var hidden = new float[Rows * 4];
        LayerConditional.SampleFromNeighbours(model, 1, visible, default, hidden, Rows, 1f, key: 7);
        for (int i = 0; i < hidden.Length; i++) Assert.Equal(i % 4 % 2 == 0 ? 1f : 0f, hidden[i]);
    }

    [Fact]
    public void The_rbm_free_energy_matches_its_definition()
    {
        var model = TinyModels.Random(TinyModels.Parse("6-4"), seed: 47);
        var v = TinyModels.RandomStates(model, 1, seed: 48, binary: true)[0];
        double f = 0;
        for (int k = 0; k < 6; k++) f -= model.Biases(0)[k] * v[k];
        for (int j = 0; j < 4; j++)
        {
            double z = model.Biases(1)[j];
            for (int k = 0; k < 6; k++) z += v[k] * model.Weights(0)[k * 4 + j];
            f -= Math.Log(1 + Math.Exp(z));
        }
        Assert.Equal(f, FreeEnergy.Rbm(model, v), 1e-12);
        Assert.Equal(Math.Log(2), FreeEnergy.Softplus(0), 15);
        Assert.Equal(800 + Math.Log(1 + Math.Exp(-800)), FreeEnergy.Softplus(800), 12); // no overflow
    }
}
