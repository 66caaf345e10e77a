using Vpf.Kernels;

namespace Vpf.Core.Model;

/// <summary>
/// The conditional of one layer given the others, the one place every sampler, inference and objective of the library
/// takes it from: the input a layer receives from its neighbouring layers, the field-to-rate map of its units and the
/// Gibbs draw. All units are binary: rate σ(scale·input + bias), state 1[U &lt; rate] (vpf-math.md §1). Another kind of
/// unit is one more branch on <c>layer</c> in <see cref="Rates"/>, <see cref="DampedRates"/> and <see cref="Sample"/>.
/// </summary>
/// <remarks>
/// Batches are rows × n_l row-major. The bias is passed in, not read from the model, because callers shift it: the
/// inverse-temperature bias of AIS, the bottom-up start bias of mean-field inference. The scale multiplies the input only.
/// </remarks>
internal static class LayerConditional
{
    /// <summary>
    /// Adds x_{l−1} W_{l−1} + x_{l+1} W_lᵀ (no bias, no lateral term) to <paramref name="input"/>; an empty
    /// <paramref name="below"/> or <paramref name="above"/> leaves that neighbour out.
    /// </summary>
    public static void AddNeighbourInput(DeepBoltzmannMachine model, int layer, ReadOnlySpan<float> below, ReadOnlySpan<float> above,
        Span<float> input, int rows) => NeighbourInput(model, layer, below, above, input, rows, accumulate: true);

    /// <summary>
    /// Writes x_{l−1} W_{l−1} + x_{l+1} W_lᵀ into <paramref name="input"/> (the first product overwrites, so no clearing
    /// pass is needed); an empty <paramref name="below"/> or <paramref name="above"/> leaves that neighbour out.
    /// </summary>
    public static void NeighbourInput(DeepBoltzmannMachine model, int layer, ReadOnlySpan<float> below, ReadOnlySpan<float> above,
        Span<float> input, int rows, bool accumulate = false)
    {
        int n = model.LayerSize(layer);
        var u = input[..(rows * n)];
        bool written = accumulate;
        if (layer > 0 && !below.IsEmpty)
        {
            int m = model.LayerSize(layer - 1);
            MatrixProduct.Multiply(below[..(rows * m)], model.Weights(layer - 1), u, rows, m, n, accumulate: written);
            written = true;
        }
        if (layer + 1 < model.LayerCount && !above.IsEmpty)
        {
            int m = model.LayerSize(layer + 1);
            MatrixProduct.MultiplyByTransposed(above[..(rows * m)], model.Weights(layer), u, rows, m, n, accumulate: written);
            written = true;
        }
        if (!written) u.Clear();
    }

    /// <summary>
    /// The field-to-rate map: rates = σ(scale·input + bias) for layer <paramref name="layer"/>. <paramref name="rates"/> may be
    /// the same memory as <paramref name="input"/>.
    /// </summary>
    public static void Rates(DeepBoltzmannMachine model, int layer, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> rates,
        int rows, float scale = 1f) => FieldActivation.Sigmoid(input, bias, rates, rows, scale);

    /// <summary>
    /// One damped mean-field step of a layer with lateral weights: μ ← α·μ + (1 − α)·rate(input + bias), α = <paramref name="damping"/>.
    /// </summary>
    public static void DampedRates(DeepBoltzmannMachine model, int layer, ReadOnlySpan<float> input, ReadOnlySpan<float> bias,
        Span<float> rates, int rows, float damping) => FieldActivation.DampedMeanFieldStep(input, bias, rates, rows, damping);

    /// <summary>
    /// The Gibbs draw of a layer without lateral weights: probabilities = rate(scale·input + bias), states drawn from them with
    /// counters <paramref name="firstCounter"/> + i of <paramref name="key"/> (see <see cref="GibbsConditional.SampleIndependent"/>).
    /// Input, probabilities and states may be the same memory.
    /// </summary>
    public static void Sample(DeepBoltzmannMachine model, int layer, ReadOnlySpan<float> input, ReadOnlySpan<float> bias,
        Span<float> probabilities, Span<float> states, int rows, float scale, ulong key, uint firstCounter = 0)
        => GibbsConditional.SampleIndependent(input, bias, probabilities, states, rows, scale, key, firstCounter);

    /// <summary>
    /// One layer-Gibbs step of a layer without lateral weights, in place: <paramref name="states"/> receives the input from
    /// the given neighbours, then a draw of the layer's units at input scale <paramref name="scale"/> and the model's bias.
    /// </summary>
    public static void SampleFromNeighbours(DeepBoltzmannMachine model, int layer, ReadOnlySpan<float> below, ReadOnlySpan<float> above,
        Span<float> states, int rows, float scale, ulong key, uint firstCounter = 0)
    {
        var x = states[..(rows * model.LayerSize(layer))];
        NeighbourInput(model, layer, below, above, x, rows);
        Sample(model, layer, x, model.Biases(layer), x, x, rows, scale, key, firstCounter);
    }

    /// <summary>
    /// The rates of a layer given the given neighbours, at input scale <paramref name="scale"/> and the model's bias:
    /// rates = σ(b_l + scale·(x_{l−1} W_{l−1} + x_{l+1} W_lᵀ)).
    /// </summary>
    public static void RatesFromNeighbours(DeepBoltzmannMachine model, int layer, ReadOnlySpan<float> below, ReadOnlySpan<float> above,
        Span<float> rates, int rows, float scale = 1f)
    {
        var u = rates[..(rows * model.LayerSize(layer))];
        NeighbourInput(model, layer, below, above, u, rows);
        Rates(model, layer, u, model.Biases(layer), u, rows, scale);
    }
}
