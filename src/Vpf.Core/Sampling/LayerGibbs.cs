using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Sampling;

/// <summary>
/// Gibbs update of one layer of a batch of chains at inverse temperature β, the one Gibbs conditional of the library
/// (sampling, AIS, DBM-PCD, reconstruction): p(x_l | rest) ∝ exp(β·(−E)) · exp((1 − β)·aᵀx_0), where a is an optional
/// base-rate bias of the visible layer (AIS interpolates towards it; the others use β = 1 and none).
/// </summary>
/// <remarks>
/// The input from neighbouring layers comes from the kernel matrix products; the draw from
/// <see cref="GibbsConditional"/>: fused σ and Bernoulli for a layer without lateral weights, unit by unit (chains over
/// threads) for a layer with them. The uniform number of unit k of chain r is counter r·n + k of the update's key, or
/// counter k of the chain's own key when row keys are given. Chains are independent, so splitting them over threads
/// cannot change any result.
/// </remarks>
internal sealed class LayerGibbs
{
    private readonly DeepBoltzmannMachine _model;
    private readonly float[] _input, _probabilities, _bias, _draw;

    public LayerGibbs(DeepBoltzmannMachine model, int rows)
    {
        _model = model;
        Rows = rows;
        int widest = model.Architecture.LayerSizes.Max();
        _input = new float[rows * widest];
        _probabilities = new float[rows * widest];
        _draw = new float[rows * widest];
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
    /// <param name="key">Stream key of this update (unused when <paramref name="rowKeys"/> is given).</param>
    /// <param name="clamp">rows × n_0 flags of visible units that do not change (layer 0 only), or null.</param>
    /// <param name="clampValues">Values of the clamped units (rows × n_0), or null to keep their current states.</param>
    /// <param name="probabilities">Receives the conditional probabilities used (rows × n_l; clamped units: their value), or null;
    /// for a Gaussian visible layer the conditional means b + W h.</param>
    /// <param name="rowKeys">One stream key per chain (counter k for unit k), or null.</param>
    /// <param name="firstRow">With one stream key, the global index of the first chain: chain r draws the counters of chain
    /// firstRow + r, so a slice of a larger set of chains (one process's shard) draws what the whole set would give it.</param>
    public void Update(float[][] states, int layer, float beta, float[]? visibleBase, ulong key,
        bool[]? clamp = null, float[]? clampValues = null, float[]? probabilities = null, ulong[]? rowKeys = null, int firstRow = 0)
    {
        int n = _model.LayerSize(layer), rows = Rows, total = rows * n;
        uint firstCounter = checked((uint)((long)firstRow * n));
        var x = states[layer].AsSpan(0, total);
        var input = _input.AsSpan(0, total);
        var p = (probabilities ?? _probabilities).AsSpan(0, total);
        var bias = _bias.AsSpan(0, n);
        var b = _model.Biases(layer);
        bool withBase = layer == 0 && visibleBase is not null;
        for (int k = 0; k < n; k++) bias[k] = beta * b[k] + (withBase ? (1 - beta) * visibleBase![k] : 0f);
        if (layer != 0) clamp = null;
        if (clamp is not null && clampValues is not null)
            for (int i = 0; i < total; i++)
                if (clamp[i]) x[i] = clampValues[i];

        LayerConditional.NeighbourInput(_model, layer, layer > 0 ? states[layer - 1] : default,
            layer + 1 < _model.LayerCount ? states[layer + 1] : default, input, rows);

        if (layer == 0 && _model.Architecture.HasGaussianVisible)
        {
            GaussianVisibleGibbs.Sample(input, bias, p, x, rows, beta, key, clamp, _draw.AsSpan(0, total), rowKeys, firstCounter);
            return;
        }

        if (_model.Lateral(layer) is { } lateral)
        {
            GibbsConditional.SampleLateral(input, lateral, bias, p, x, rows, beta, key, rowKeys, clamp, firstCounter);
            return;
        }
        // Draw every unit, then put back the clamped ones (their probability is their value).
        var draw = clamp is null ? x : _draw.AsSpan(0, total);
        if (rowKeys is null)
            LayerConditional.Sample(_model, layer, input, bias, p, draw, rows, beta, key, firstCounter);
        else
            for (int r = 0; r < rows; r++)
                LayerConditional.Sample(_model, layer, input.Slice(r * n, n), bias, p.Slice(r * n, n), draw.Slice(r * n, n), 1, beta, rowKeys[r]);
        if (clamp is null) return;
        for (int i = 0; i < total; i++)
        {
            if (clamp[i]) p[i] = x[i];
            else x[i] = draw[i];
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
