using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Sampling;

/// <summary>
/// Gibbs update of one layer of a batch of chains at inverse temperature β, the shared step of
/// <see cref="GibbsSampler"/> and of AIS: p(x_l | rest) ∝ exp(β·(−E)) · exp((1 − β)·aᵀx_0), where a is an optional
/// base-rate bias of the visible layer (AIS interpolates towards it; the sampler uses β = 1 and none).
/// </summary>
/// <remarks>
/// A layer without lateral weights is conditionally independent given its neighbours: its fields come from the kernel
/// products, σ from the fused kernel, spikes from <see cref="Bernoulli.Sample"/>. A layer with lateral weights is not,
/// so its units are updated one after another, each from σ(u_k) with the current states of the others; the uniform
/// number of unit k of chain r is counter r·n + k of the same stream, as <see cref="Bernoulli.Sample"/> would use.
/// Chains are independent, so splitting them over threads cannot change any result.
/// </remarks>
internal sealed class LayerGibbs
{
    private readonly DeepBoltzmannMachine _model;
    private readonly float[] _input, _probabilities, _bias;

    public LayerGibbs(DeepBoltzmannMachine model, int rows)
    {
        _model = model;
        Rows = rows;
        int widest = model.Architecture.LayerSizes.Max();
        _input = new float[rows * widest];
        _probabilities = new float[rows * widest];
        _bias = new float[widest];
    }

    public int Rows { get; }

    /// <summary>
    /// Resamples layer <paramref name="layer"/> of <paramref name="states"/> (rows × n_l per layer).
    /// </summary>
    /// <param name="states">The chains' joint states, updated in place.</param>
    /// <param name="layer">The layer to resample.</param>
    /// <param name="beta">Inverse temperature β ∈ [0, 1].</param>
    /// <param name="visibleBase">Base-rate visible bias a (weight 1 − β), or null.</param>
    /// <param name="key">Stream key of this update.</param>
    /// <param name="clamp">rows × n_0 flags of clamped visible units (layer 0 only), or null.</param>
    /// <param name="clampValues">Values of the clamped units (rows × n_0).</param>
    /// <param name="probabilities">Receives the conditional probabilities used (rows × n_l), or null.</param>
    public void Update(float[][] states, int layer, float beta, float[]? visibleBase, ulong key,
        bool[]? clamp = null, float[]? clampValues = null, float[]? probabilities = null)
    {
        int n = _model.LayerSize(layer), rows = Rows;
        var x = states[layer].AsSpan(0, rows * n);
        var input = _input.AsSpan(0, rows * n);
        var p = (probabilities ?? _probabilities).AsSpan(0, rows * n);
        var bias = _bias.AsSpan(0, n);
        var b = _model.Biases(layer);
        bool withBase = layer == 0 && visibleBase is not null;
        for (int k = 0; k < n; k++) bias[k] = beta * b[k] + (withBase ? (1 - beta) * visibleBase![k] : 0f);

        input.Clear();
        AddNeighbourInputs(states, layer, input);
        if (layer != 0) clamp = null;

        if (_model.Lateral(layer) is not { } lateral)
        {
            LocalField.Sigmoid(input, bias, p, rows, beta);
            Bernoulli.Sample(p, x, key);
            if (clamp is not null)
                for (int i = 0; i < x.Length; i++)
                    if (clamp[i]) p[i] = x[i] = clampValues![i];
            return;
        }

        var state = states[layer];
        var inputs = _input;
        var probs = probabilities ?? _probabilities;
        var biasArray = _bias;
        ForEachChain(rows, (long)n * n, r =>
            SequentialRow(state, inputs, probs, biasArray, lateral, n, r, beta, key, clamp, clampValues));
    }

    /// <summary>Adds x_{l−1} W_{l−1} + x_{l+1} W_lᵀ (no bias, no lateral term) to <paramref name="input"/>.</summary>
    public void AddNeighbourInputs(float[][] states, int layer, Span<float> input)
    {
        int n = _model.LayerSize(layer), rows = Rows;
        if (layer > 0)
        {
            int below = _model.LayerSize(layer - 1);
            MatrixProduct.Multiply(states[layer - 1].AsSpan(0, rows * below), _model.Weights(layer - 1), input, rows, below, n, accumulate: true);
        }
        if (layer + 1 < _model.LayerCount)
        {
            int above = _model.LayerSize(layer + 1);
            MatrixProduct.MultiplyByTransposed(states[layer + 1].AsSpan(0, rows * above), _model.Weights(layer), input, rows, above, n, accumulate: true);
        }
    }

    private static void SequentialRow(float[] state, float[] input, float[] probs, float[] bias, float[] lateral, int n, int r,
        float beta, ulong key, bool[]? clamp, float[]? clampValues)
    {
        int o = r * n;
        for (int k = 0; k < n; k++)
        {
            int i = o + k;
            if (clamp is not null && clamp[i])
            {
                probs[i] = state[i] = clampValues![i];
                continue;
            }
            // u_k = b_k + (neighbour input)_k + Σ_j L_kj x_j with the current x (L has a zero diagonal).
            float s = input[i];
            int row = k * n;
            for (int j = 0; j < n; j++) s += lateral[row + j] * state[o + j];
            float u = beta * s + bias[k];
            float pk = 1f / (1f + MathF.Exp(-u));
            probs[i] = pk;
            state[i] = CounterRandom.Uniform(key, (uint)i) < pk ? 1f : 0f;
        }
    }

    /// <summary>Runs <paramref name="body"/> for every chain, over threads when each chain has enough work.</summary>
    internal static void ForEachChain(int rows, long workPerRow, Action<int> body)
    {
        int threads = Math.Min(KernelSettings.MaxThreads, rows);
        if (threads <= 1 || rows * workPerRow < 1 << 16)
        {
            for (int r = 0; r < rows; r++) body(r);
            return;
        }
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int start = (int)((long)rows * t / threads), end = (int)((long)rows * (t + 1) / threads);
            for (int r = start; r < end; r++) body(r);
        });
    }
}
