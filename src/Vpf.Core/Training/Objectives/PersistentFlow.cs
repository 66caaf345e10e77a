using Vpf.Core.Model;
using Vpf.Core.Sampling;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// Persistent samples as extra flow connections (Im, Buchman &amp; Taylor, persistent MPF; vpf-math.md §10.2): every data
/// state x_r is connected to each of M binary joint states x'_s of persistent Gibbs chains of the model, adding
/// λ log K̄_P, K̄_P = (1/(BM)) Σ_r Σ_s exp(½(E(x_r) − E(x'_s))), to VPF's single-flip flow, states and chains held fixed.
/// </summary>
/// <remarks>
/// <para>
/// The logarithm because the raw double sum overflows at image size (two unrelated states differ by hundreds of energy
/// units). Since exp(½(E_r − E'_s)) = exp(½E_r)·exp(−½E'_s), log K̄_P = LSE_r(½E_r) + LSE_s(−½E'_s) − log B − log M,
/// and with a_r = softmax_r(½E_r), b_s = softmax_s(−½E'_s) the gradient is
/// ∂/∂W_l = (λ/2)(−Σ_r a_r x_{r,l}ᵀx_{r,l+1} + Σ_s b_s x'_{s,l}ᵀx'_{s,l+1}), the biases' (λ/2)(−Σ_r a_r x_{r,l} + Σ_s b_s x'_{s,l}),
/// laterals the same pair products (the pair's one parameter, in both mirror entries, zero diagonal): a weighted
/// contrast of data and chain statistics (a weighted persistent-CD step) whose size is bounded by λ/2 whatever the energies.
/// </para>
/// <para>
/// Chains: M of them, started at the first batch (visible rows cycled, hidden units drawn from the E-step rates), then
/// <see cref="VpfOptions.PersistentGibbsSweeps"/> full sweeps before each batch — odd layers, then even layers, layers with
/// laterals unit by unit — through <see cref="LayerGibbs"/>, as DBM-PCD runs its chains. They are not part of a
/// checkpoint (as DBM-PCD's are not): a resumed run starts new chains.
/// </para>
/// </remarks>
internal sealed class PersistentFlow
{
    // First components of StreamKey(batch key, a, b). VPF's spikes use a = the layer index (below 2^31), so these tags,
    // at and above 2^62, can never give the same (a, b) pair: the chains' draws are independent of the spikes.
    private const ulong StartTag = 0x5046_5354_0000_0000ul;
    private const ulong SweepTag = 0x5046_5357_0000_0000ul;

    private readonly VpfOptions _options;
    private DeepBoltzmannMachine? _model, _bufferModel;
    private float[][] _chains = [];
    private bool _ready;
    private LayerGibbs? _gibbs;
    private float[][] _scaledData = [], _scaledChains = [];
    private float[]?[] _pairs = [];
    private float[] _product = [];
    private double[] _dataEnergy = [], _chainEnergy = [], _alpha = [], _beta = [];
    private int _maxRows;

    /// <summary>Creates the term for <paramref name="options"/> (already validated; <see cref="VpfOptions.PersistentSamples"/> ≥ 1).</summary>
    public PersistentFlow(VpfOptions options) => _options = options;

    /// <summary>The chains' joint states after the last batch (M × n_l per layer); empty before the first batch.</summary>
    public IReadOnlyList<float[]> Chains => _ready ? _chains : [];

    /// <summary>
    /// Starts the chains on the first call (from the E-step's <paramref name="rates"/>, <paramref name="rateRows"/> rows),
    /// runs the sweeps, then adds ∂(λ log K̄_P)/∂θ at <paramref name="states"/> (<paramref name="rows"/> rows) into
    /// <paramref name="gradient"/> and returns λ log K̄_P.
    /// </summary>
    public ObjectiveValue Add(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int rateRows, IReadOnlyList<float[]> states, int rows,
        ParameterSet gradient, ulong randomKey)
    {
        if (!ReferenceEquals(_model, model))
        {
            _model = model;
            _ready = false;
            _gibbs = null;
        }
        int m = _options.PersistentSamples;
        if (!_ready) StartChains(model, rates, rateRows, randomKey);
        _gibbs ??= new LayerGibbs(model, m);
        for (int s = 0; s < _options.PersistentGibbsSweeps; s++)
        {
            for (int l = 1; l < model.LayerCount; l += 2) _gibbs.Update(_chains, l, 1f, null, CounterRandom.StreamKey(randomKey, SweepTag + (ulong)s, (ulong)l));
            for (int l = 0; l < model.LayerCount; l += 2) _gibbs.Update(_chains, l, 1f, null, CounterRandom.StreamKey(randomKey, SweepTag + (ulong)s, (ulong)l));
        }
        return AddFlow(model, states, rows, _chains, m, gradient);
    }

    /// <summary>A copy of the chains (what later batches depend on).</summary>
    public object SaveState() => (Chains: _chains.Select(c => (float[])c.Clone()).ToArray(), Ready: _ready, Model: _model);

    /// <summary>Puts back a state from <see cref="SaveState"/>.</summary>
    public void RestoreState(object state)
    {
        (_chains, _ready, var model) = ((float[][], bool, DeepBoltzmannMachine?))state;
        if (!ReferenceEquals(model, _model)) _gibbs = null;
        _model = model;
    }

    /// <summary>
    /// Adds ∂(λ log K̄_P)/∂θ into <paramref name="gradient"/> for the data states <paramref name="states"/>
    /// (<paramref name="rows"/> rows) and the chain states <paramref name="chains"/> (<paramref name="chainCount"/> rows),
    /// both held fixed, and returns λ log K̄_P (any sign; nothing is clamped, so the clamp count is 0).
    /// </summary>
    internal ObjectiveValue AddFlow(DeepBoltzmannMachine model, IReadOnlyList<float[]> states, int rows, IReadOnlyList<float[]> chains, int chainCount,
        ParameterSet gradient)
    {
        Prepare(model, Math.Max(rows, chainCount));
        var dataEnergy = _dataEnergy.AsSpan(0, rows);
        var chainEnergy = _chainEnergy.AsSpan(0, chainCount);
        Energies(model, states, rows, dataEnergy);
        Energies(model, chains, chainCount, chainEnergy);

        // exp(½(E_r − E'_s)) = exp(½E_r)·exp(−½E'_s): the pair softmax factorises into a softmax over the data states
        // and one over the chain states, so log K̄_P and the weights need no B × M matrix and cannot overflow.
        // The weights are λ/2 times the softmaxes: the ½ of ∂(½E)/∂θ folded in.
        var alpha = _alpha.AsSpan(0, rows);
        var beta = _beta.AsSpan(0, chainCount);
        double lambda = _options.PersistentFlowWeight;
        double logDataSum = SoftMax(dataEnergy, 0.5, alpha, 0.5 * lambda);
        double logChainSum = SoftMax(chainEnergy, -0.5, beta, 0.5 * lambda);
        double logMeanFlow = logDataSum + logChainSum - Math.Log(rows) - Math.Log(chainCount);

        for (int l = 0; l < model.LayerCount; l++)
        {
            int n = model.LayerSize(l);
            var x = states[l].AsSpan(0, rows * n);
            var y = chains[l].AsSpan(0, chainCount * n);
            var ax = _scaledData[l].AsSpan(0, rows * n);
            var by = _scaledChains[l].AsSpan(0, chainCount * n);
            ScaleRows(x, alpha, ax, n);
            ScaleRows(y, beta, by, n);
            GradientAccumulation.AccumulateColumnSums(ax, gradient.Biases[l], rows, -1f);
            GradientAccumulation.AccumulateColumnSums(by, gradient.Biases[l], chainCount, 1f);
            if (l + 1 < model.LayerCount)
            {
                int m = model.LayerSize(l + 1);
                MatrixProduct.AccumulateTransposedProduct(ax, states[l + 1].AsSpan(0, rows * m), gradient.Weights[l], n, rows, m, -1f);
                MatrixProduct.AccumulateTransposedProduct(by, chains[l + 1].AsSpan(0, chainCount * m), gradient.Weights[l], n, chainCount, m, 1f);
            }
            if (_pairs[l] is { } g)
            {
                Array.Clear(g);
                MatrixProduct.AccumulateTransposedProduct(ax, x, g, n, rows, n, -1f);
                MatrixProduct.AccumulateTransposedProduct(by, y, g, n, chainCount, n, 1f);
                var target = gradient.Laterals[l]!;
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++)
                    {
                        // Both orders hold the same products; averaging them keeps the result exactly symmetric
                        // whatever summation order the product kernel uses.
                        float d = 0.5f * (g[k * n + j] + g[j * n + k]);
                        target[k * n + j] += d;
                        target[j * n + k] += d;
                    }
            }
        }
        return new ObjectiveValue(lambda * logMeanFlow, 0);
    }

    /// <summary>E(x) of every row of <paramref name="states"/> (vpf-math.md §1, binary visible units), summed in double.</summary>
    private void Energies(DeepBoltzmannMachine model, IReadOnlyList<float[]> states, int rows, Span<double> energy)
    {
        energy.Clear();
        for (int l = 0; l < model.LayerCount; l++)
        {
            int n = model.LayerSize(l);
            var x = states[l].AsSpan(0, rows * n);
            var b = model.Biases(l);
            for (int r = 0; r < rows; r++)
            {
                double e = 0;
                var row = x.Slice(r * n, n);
                for (int k = 0; k < n; k++) e += (double)b[k] * row[k];
                energy[r] -= e;
            }
            if (l + 1 < model.LayerCount)
            {
                int m = model.LayerSize(l + 1);
                var xw = _product.AsSpan(0, rows * m);
                MatrixProduct.Multiply(x, model.Weights(l), xw, rows, n, m);
                energy.AddRowDots(xw, states[l + 1].AsSpan(0, rows * m), m, -1);
            }
            if (model.Lateral(l) is { } lateral)
            {
                var xl = _product.AsSpan(0, rows * n);
                MatrixProduct.Multiply(x, lateral, xl, rows, n, n);
                energy.AddRowDots(xl, x, n, -0.5);
            }
        }
    }

    /// <summary>
    /// weights[i] = scale · softmax_i(sign · energy_i); returns log Σ_i exp(sign · energy_i), shifted by the maximum so
    /// that neither overflows. A NaN energy propagates into both, which the trainer reports as divergence.
    /// </summary>
    private static double SoftMax(ReadOnlySpan<double> energy, double sign, Span<double> weights, double scale)
    {
        double max = double.NegativeInfinity;
        foreach (double e in energy) max = Math.Max(max, sign * e);
        if (double.IsNaN(max) || double.IsInfinity(max)) max = 0;
        double sum = 0;
        for (int i = 0; i < energy.Length; i++)
        {
            weights[i] = Math.Exp(sign * energy[i] - max);
            sum += weights[i];
        }
        for (int i = 0; i < energy.Length; i++) weights[i] *= scale / sum;
        return max + Math.Log(sum);
    }

    private static void ScaleRows(ReadOnlySpan<float> x, ReadOnlySpan<double> scale, Span<float> target, int n)
    {
        for (int r = 0; r < scale.Length; r++)
        {
            float c = (float)scale[r];
            var source = x.Slice(r * n, n);
            var row = target.Slice(r * n, n);
            for (int k = 0; k < n; k++) row[k] = c * source[k];
        }
    }

    private void Prepare(DeepBoltzmannMachine model, int rows)
    {
        if (ReferenceEquals(_bufferModel, model) && rows <= _maxRows) return;
        _maxRows = ReferenceEquals(_bufferModel, model) ? Math.Max(rows, _maxRows) : rows;
        _bufferModel = model;
        int layers = model.LayerCount, widest = model.Architecture.LayerSizes.Max();
        _scaledData = new float[layers][];
        _scaledChains = new float[layers][];
        _pairs = new float[]?[layers];
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            _scaledData[l] = new float[_maxRows * n];
            _scaledChains[l] = new float[_maxRows * n];
            if (model.Lateral(l) is not null) _pairs[l] = new float[n * n];
        }
        _product = new float[_maxRows * widest];
        _dataEnergy = new double[_maxRows];
        _chainEnergy = new double[_maxRows];
        _alpha = new double[_maxRows];
        _beta = new double[_maxRows];
    }

    private void StartChains(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int rateRows, ulong randomKey)
    {
        int count = _options.PersistentSamples, layers = model.LayerCount;
        if (_chains.Length != layers || _chains[0].Length != count * model.LayerSize(0))
        {
            _chains = new float[layers][];
            for (int l = 0; l < layers; l++) _chains[l] = new float[count * model.LayerSize(l)];
        }
        // Chain c starts at row c mod B of the first batch: its visible row, and hidden units drawn from its rates.
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var chain = _chains[l].AsSpan(0, count * n);
            for (int c = 0; c < count; c++) rates[l].AsSpan(c % rateRows * n, n).CopyTo(chain.Slice(c * n, n));
            if (l > 0) Bernoulli.SampleFrom(chain, chain, CounterRandom.StreamKey(randomKey, StartTag, (ulong)l), 0);
        }
        _ready = true;
    }
}

/// <summary>Row-wise dot products added into a vector of sums.</summary>
file static class RowDots
{
    /// <summary>sums[r] += scale · Σ_k a[r, k] b[r, k] for rows × <paramref name="n"/> matrices a and b, in double.</summary>
    public static void AddRowDots(this Span<double> sums, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int n, double scale)
    {
        for (int r = 0; r < sums.Length; r++)
        {
            double dot = 0;
            var x = a.Slice(r * n, n);
            var y = b.Slice(r * n, n);
            for (int k = 0; k < n; k++) dot += (double)x[k] * y[k];
            sums[r] += scale * dot;
        }
    }
}
