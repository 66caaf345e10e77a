using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Inference;

/// <summary>
/// Local fields u_l = b_l + x_{l−1} W_{l−1} + x_{l+1} W_lᵀ + x_l L_l (vpf-math.md §1), for a batch of joint states
/// stored layer by layer as rows × n_l row-major arrays.
/// </summary>
internal static class LocalFields
{
    /// <summary>Writes u_l for the first <paramref name="rows"/> rows of <paramref name="states"/> into <paramref name="field"/>.</summary>
    public static void Compute(DeepBoltzmannMachine model, IReadOnlyList<float[]> states, int layer, Span<float> field, int rows)
    {
        FieldActivation.BroadcastBias(model.Biases(layer), field, rows);
        AddInputs(model, states, layer, field, rows);
    }

    /// <summary>
    /// Adds the input from the neighbours of layer <paramref name="layer"/> (everything in u_l except the bias) to
    /// <paramref name="input"/>, which must already hold what it should start from (zero, or the bias). With
    /// <paramref name="includeBelow"/> false the input from layer l − 1 is left out (the caller has it already).
    /// </summary>
    public static void AddInputs(DeepBoltzmannMachine model, IReadOnlyList<float[]> states, int layer, Span<float> input, int rows,
        bool includeBelow = true)
    {
        int n = model.LayerSize(layer);
        LayerConditional.AddNeighbourInput(model, layer, layer > 0 && includeBelow ? states[layer - 1] : default,
            layer + 1 < model.LayerCount ? states[layer + 1] : default, input, rows);
        if (model.Lateral(layer) is { } lateral)
            // L is symmetric, so x·L = x·Lᵀ; its zero diagonal keeps a unit from feeding itself.
            MatrixProduct.Multiply(states[layer].AsSpan(0, rows * n), lateral, input, rows, n, n, accumulate: true);
    }
}
