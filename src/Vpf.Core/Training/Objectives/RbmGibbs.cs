using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// Block Gibbs sampling of an RBM (two layers, no lateral weights): h ~ p(h | v) = σ(c + vW), v ~ p(v | h) = σ(b + hWᵀ)
/// (or N(b + hWᵀ, I) for Gaussian visible units),
/// on batches stored row-major (rows × n). All randomness is counter-based: the result depends only on the model,
/// the start and the key, so a chain can be replayed bit for bit.
/// </summary>
internal static class RbmGibbs
{
    /// <summary>
    /// Runs <paramref name="steps"/> full steps h ~ p(h | v), v ~ p(v | h) from the binary rows in
    /// <paramref name="visible"/>, leaves the last visible sample v_k there and writes the hidden probabilities
    /// p(h | v_k) (not a sample: Hinton's recipe for the statistics) into <paramref name="hidden"/>.
    /// Step s draws its hidden spikes from stream StreamKey(key, s, 0) and its visible spikes from StreamKey(key, s, 1).
    /// </summary>
    /// <param name="model">An RBM.</param>
    /// <param name="visible">rows × n_v start states, overwritten with the chain's last visible sample.</param>
    /// <param name="hidden">rows × n_h, receives p(h | v_k).</param>
    /// <param name="rows">Number of chains.</param>
    /// <param name="steps">Gibbs steps k ≥ 0 (0 only computes p(h | v)).</param>
    /// <param name="key">Stream key of this call's randomness.</param>
    public static void Run(DeepBoltzmannMachine model, Span<float> visible, Span<float> hidden, int rows, int steps, ulong key) =>
        Run(model, visible, hidden, rows, steps, key, 1f, 1f);

    /// <summary>
    /// As the public overload, with the input of the hidden units scaled by <paramref name="hiddenInputScale"/>
    /// (σ(c + s·vW)) and that of the visible units by <paramref name="visibleInputScale"/> (σ(b + s·hWᵀ)): the
    /// doubled-input RBMs of greedy DBM pretraining. Chain r draws the counters of chain <paramref name="firstChain"/> + r,
    /// so that a slice of the chains run on its own draws what it would draw as part of the whole set.
    /// </summary>
    internal static void Run(DeepBoltzmannMachine model, Span<float> visible, Span<float> hidden, int rows, int steps, ulong key,
        float hiddenInputScale, float visibleInputScale, int firstChain = 0)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var v = visible[..(rows * nv)];
        var h = hidden[..(rows * nh)];
        uint hiddenCounter = checked((uint)((long)firstChain * nh)), visibleCounter = checked((uint)((long)firstChain * nv));
        for (int s = 0; s < steps; s++)
        {
            LayerConditional.SampleFromNeighbours(model, 1, v, default, h, rows, hiddenInputScale, CounterRandom.StreamKey(key, (ulong)s, 0), hiddenCounter);
            if (model.Architecture.HasGaussianVisible) // v ~ N(b + hWᵀ, I), vpf-math.md §9; the input scale is 1 (checked by the callers)
            {
                MatrixProduct.MultiplyByTransposed(h, model.Weights(0), v, rows, nh, nv);
                GaussianUnits.Sample(v, model.Biases(0), v, v, rows, CounterRandom.StreamKey(key, (ulong)s, 1), visibleCounter);
            }
            else
                LayerConditional.SampleFromNeighbours(model, 0, default, h, v, rows, visibleInputScale, CounterRandom.StreamKey(key, (ulong)s, 1), visibleCounter);
        }
        HiddenProbabilities(model, v, h, rows, hiddenInputScale);
    }

    /// <summary>p(h | v) = σ(c + s·vW) of rows × n_v visible states.</summary>
    internal static void HiddenProbabilities(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, Span<float> hidden, int rows, float scale)
        => LayerConditional.RatesFromNeighbours(model, 1, visible, default, hidden, rows, scale);

    /// <summary>p(v | h) = σ(b + s·hWᵀ) of rows × n_h hidden states.</summary>
    internal static void VisibleProbabilities(DeepBoltzmannMachine model, ReadOnlySpan<float> hidden, Span<float> visible, int rows, float scale)
        => LayerConditional.RatesFromNeighbours(model, 0, default, hidden, visible, rows, scale);

    /// <summary>
    /// Mean over rows of the cross-entropy −Σ_i [v_i log p_i + (1 − v_i) log(1 − p_i)] between the data and its
    /// mean-field reconstruction p = σ(b + s·μ_h Wᵀ), computed from the logits in double (softplus(a) − v·a).
    /// <paramref name="scratch"/> holds rows × n_v floats.
    /// </summary>
    internal static double ReconstructionCrossEntropy(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, ReadOnlySpan<float> hiddenRates,
        int rows, float visibleInputScale, Span<float> scratch)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var logits = scratch[..(rows * nv)];
        LayerConditional.NeighbourInput(model, 0, default, hiddenRates[..(rows * nh)], logits, rows);
        return CrossEntropyFromInputs(visible, logits, model.Biases(0), rows, visibleInputScale);
    }

    /// <summary>Mean over rows of Σ_i softplus(a_i) − v_i a_i with a = bias + scale·input.</summary>
    internal static double CrossEntropyFromInputs(ReadOnlySpan<float> visible, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, int rows, float scale)
    {
        int n = bias.Length;
        double total = 0;
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++)
            {
                double a = bias[i] + (double)scale * input[r * n + i];
                total += FreeEnergy.Softplus(a) - visible[r * n + i] * a;
            }
        return total / rows;
    }
}
