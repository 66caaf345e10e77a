using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Inference;

/// <summary>
/// The E-step of VPF (vpf-math.md §3.1): with v clamped, the factorised posterior q(h | v) is fitted by
/// initialising the hidden means bottom-up and then running sweeps of μ_l ← σ(u_l(μ)) layer by layer.
/// The resulting μ are the hidden units' firing rates.
/// </summary>
public static class MeanFieldSweep
{
    /// <summary>Damping used for layers with lateral weights unless told otherwise.</summary>
    public const float DefaultDamping = 0.5f;

    /// <summary>
    /// Mean-field firing rates of every layer for a batch of visible vectors (rows × n_0 of 0/1), the features a
    /// downstream model consumes: element l of the result is rows × n_l (element 0 is a copy of the input).
    /// </summary>
    public static float[][] Infer(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows,
        int sweeps = 10, float damping = DefaultDamping)
    {
        int n0 = model.LayerSize(0);
        if (rows < 0 || visible.Length != rows * n0)
            throw new ArgumentException($"Expected {rows} rows of {n0} visible units ({rows * n0} values); got {visible.Length}.", nameof(visible));
        var rates = new float[model.LayerCount][];
        int widest = 0;
        for (int l = 0; l < model.LayerCount; l++)
        {
            rates[l] = new float[rows * model.LayerSize(l)];
            widest = Math.Max(widest, model.LayerSize(l));
        }
        visible.CopyTo(rates[0]);
        if (rows > 0) Run(model, rates, rows, sweeps, damping, new float[rows * widest], model.LayerCount > 1 ? new float[rows * model.LayerSize(1)] : null);
        return rates;
    }

    /// <summary>
    /// Fills <paramref name="rates"/>[1…L] (rows × n_l each) with mean-field firing rates given the visible batch already
    /// in <paramref name="rates"/>[0]. <paramref name="input"/> is scratch of at least rows × max n_l floats.
    /// </summary>
    /// <param name="model">The machine.</param>
    /// <param name="rates">Per layer, rows × n_l; layer 0 holds the clamped visible states and is not changed.</param>
    /// <param name="rows">Batch size.</param>
    /// <param name="sweeps">Number of full bottom-to-top sweeps after the initialisation (T ≥ 0).</param>
    /// <param name="damping">α in μ ← α μ_old + (1 − α) μ_new, used only in layers with lateral weights (parallel
    /// updates of coupled units oscillate without it).</param>
    /// <param name="input">Scratch buffer.</param>
    /// <param name="visibleInput">Optional rows × n_1 buffer that keeps v·W_0 for the whole E-step: v is clamped, so the
    /// first hidden layer's input from below is the same in every sweep (a fifth of a 784-500-1000 sweep's work).</param>
    internal static void Run(DeepBoltzmannMachine model, float[][] rates, int rows, int sweeps, float damping, float[] input, float[]? visibleInput = null)
    {
        if (sweeps < 0) throw new InvalidOptionsException(nameof(sweeps), $"must be ≥ 0; got {sweeps}.");
        if (!(damping >= 0f && damping < 1f)) throw new InvalidOptionsException(nameof(damping), $"must be in [0, 1); got {damping}.");
        if (visibleInput is not null && visibleInput.Length < rows * model.LayerSize(1))
            throw new ArgumentException($"Needs {rows * model.LayerSize(1)} floats; got {visibleInput.Length}.", nameof(visibleInput));
        Initialise(model, rates, rows, input, visibleInput);
        if (!NeedsSweeps(model)) return;
        for (int t = 0; t < sweeps; t++)
            for (int l = 1; l < model.LayerCount; l++) UpdateLayer(model, rates, l, rows, damping, input, l == 1 ? visibleInput : null);
    }

    /// <summary>
    /// Bottom-up initialisation: μ_l = σ(b_l + μ_{l−1} W_{l−1} + (μ_{l−1} − ½) W_{l−1}) for intermediate layers and
    /// σ(μ_{l−1} W_{l−1} + b_l) for the top layer. The second input term stands in for the missing top-down half; taking
    /// it around ½ rather than 0 (plain doubling) makes the start, like the fields, independent of which value a unit
    /// calls "on": a model and its mirror on inverted data start from the same rates (vpf-math.md §3.1, §8).
    /// </summary>
    /// <remarks>When <paramref name="visibleInput"/> is given, v·W_0 is left in it for <see cref="UpdateLayer"/>.</remarks>
    internal static void Initialise(DeepBoltzmannMachine model, float[][] rates, int rows, float[] input, float[]? visibleInput = null)
    {
        int top = model.LayerCount - 1;
        for (int l = 1; l <= top; l++)
        {
            int n = model.LayerSize(l), below = model.LayerSize(l - 1);
            var u = (l == 1 && visibleInput is not null ? visibleInput : input).AsSpan(0, rows * n);
            MatrixProduct.Multiply(rates[l - 1].AsSpan(0, rows * below), model.Weights(l - 1), u, rows, below, n);
            if (l < top) LayerConditional.Rates(model, l, u, StartBias(model, l), rates[l], rows, 2f);
            else LayerConditional.Rates(model, l, u, model.Biases(l), rates[l], rows);
        }
    }

    /// <summary>
    /// The bias of an intermediate layer's bottom-up start, b_l − ½ 1ᵀW_{l−1}: the start is σ(2 μ_{l−1} W_{l−1} + this).
    /// Above a Gaussian visible layer it is b_1 (the stand-in taken around 0).
    /// Public so that other runtimes (the ONNX export) compute the same start.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="layer"/> is not an intermediate hidden layer (1 ≤ l &lt; L).</exception>
    public static float[] StartBias(DeepBoltzmannMachine model, int layer)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (layer < 1 || layer >= model.LayerCount - 1)
            throw new ArgumentOutOfRangeException(nameof(layer), $"must be an intermediate hidden layer, 1 … {model.LayerCount - 2}; got {layer}.");
        int below = model.LayerSize(layer - 1), n = model.LayerSize(layer);
        var ones = new float[below];
        Array.Fill(ones, 1f);
        var columnSums = new float[n];
        MatrixProduct.Multiply(ones, model.Weights(layer - 1), columnSums, 1, below, n);
        var bias = model.Biases(layer);
        // The stand-in is taken around the middle of the layer below: ½ for binary units, 0 for Gaussian visible units on
        // standardised data (the point v → −v with mirrored parameters maps to itself, vpf-math.md §9).
        float middle = layer == 1 && model.Architecture.HasGaussianVisible ? 0f : 0.5f;
        for (int j = 0; j < n; j++) columnSums[j] = bias[j] - middle * columnSums[j];
        return columnSums;
    }

    /// <summary>
    /// One mean-field update of hidden layer <paramref name="layer"/> given the current rates of all others;
    /// <paramref name="inputFromBelow"/>, when given, already holds μ_{l−1}·W_{l−1} (the clamped v·W_0 for layer 1).
    /// </summary>
    internal static void UpdateLayer(DeepBoltzmannMachine model, float[][] rates, int layer, int rows, float damping, float[] input,
        float[]? inputFromBelow = null)
    {
        int n = model.LayerSize(layer);
        var u = input.AsSpan(0, rows * n);
        if (inputFromBelow is null) u.Clear();
        else inputFromBelow.AsSpan(0, rows * n).CopyTo(u);
        LocalFields.AddInputs(model, rates, layer, u, rows, includeBelow: inputFromBelow is null);
        if (model.Lateral(layer) is null)
            LayerConditional.Rates(model, layer, u, model.Biases(layer), rates[layer], rows);
        else
            LayerConditional.DampedRates(model, layer, u, model.Biases(layer), rates[layer], rows, damping);
    }

    /// <summary>An RBM's bottom-up pass is already its exact posterior; only deeper or laterally connected models iterate.</summary>
    private static bool NeedsSweeps(DeepBoltzmannMachine model)
    {
        if (model.LayerCount > 2) return true;
        for (int l = 1; l < model.LayerCount; l++) if (model.Lateral(l) is not null) return true;
        return false;
    }
}
