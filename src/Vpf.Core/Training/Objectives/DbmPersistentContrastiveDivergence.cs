using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Sampling;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// Salakhutdinov &amp; Hinton's learning procedure for Deep Boltzmann Machines (AISTATS 2009; Neural Computation 24(8),
/// 2012) as an <see cref="ITrainingObjective"/>: data-dependent statistics from mean-field, model statistics from
/// persistent Gibbs chains.
/// </summary>
/// <remarks>
/// <para>
/// Positive phase: <see cref="MeanFieldSweep"/> with v clamped gives rates μ_l (μ_0 = v). Negative phase:
/// <see cref="DbmPcdOptions.GibbsSteps"/> sweeps of the persistent chains, each sweep sampling the odd layers given
/// the even ones and then the even layers (visible included) given the odd ones. Layers without lateral weights are
/// sampled as a block; inside a layer with lateral weights units are updated one at a time in index order
/// (sequential Gibbs, chains over threads), so the chain still targets p(x); both through <see cref="LayerGibbs"/>.
/// The negative statistics use the binary chain states.
/// </para>
/// <para>
/// Gradient (descent direction of −log-likelihood; B rows, C chains; x the chain states):
/// g_{W_l} = −(μ_lᵀμ_{l+1} / B − x_lᵀx_{l+1} / C), g_{b_l} = −(mean μ_l − mean x_l), and for lateral weights
/// g_{L_l}[k, j] = g_{L_l}[j, k] = −(mean μ_kμ_j − mean x_kx_j) with a zero diagonal — the derivative with respect to
/// the pair's one free parameter, in both mirror entries, the same convention as the flow gradient.
/// </para>
/// <para>
/// <see cref="ObjectiveValue.Value"/> is the monitored value: the mean over the batch of the reconstruction
/// cross-entropy of the visible layer from the positive phase, p = σ(b_0 + μ_1W_0ᵀ + vL_0), in nats per row. Every
/// architecture with at least one hidden layer is accepted (for an RBM without laterals this is PCD with exact
/// posterior probabilities).
/// </para>
/// <para>Randomness: sweep s of layer l uses stream StreamKey(κ, s, l) of the batch key κ; chain starts use the options' seed.</para>
/// </remarks>
internal sealed class DbmPersistentContrastiveDivergence : ITrainingObjective, IStatefulObjective, IMeanRateSource
{
    private int _lastRows;
    private float[][] _rates = [], _chains = [];
    private LayerGibbs? _gibbs;
    private DeepBoltzmannMachine? _gibbsModel;
    private float[] _input = [], _scratch = [];
    private float[]?[] _pairs = [];
    private int _maxRows, _chainCount, _firstChain;
    private DeepBoltzmannMachine? _model;
    private bool _chainsReady;

    /// <summary>Creates the objective; options are validated here.</summary>
    public DbmPersistentContrastiveDivergence(DbmPcdOptions? options = null)
    {
        Options = options ?? new DbmPcdOptions();
        Options.Validate();
    }

    /// <summary>The options.</summary>
    public DbmPcdOptions Options { get; }

    /// <summary>The persistent chains after the last evaluated batch, per layer (chains × n_l); empty before the first batch.</summary>
    internal IReadOnlyList<float[]> Chains => _chainsReady ? _chains : [];

    /// <summary>Number of persistent chains (0 before the first batch).</summary>
    internal int ChainCount => _chainsReady ? _chainCount : 0;

    /// <summary>Forgets the chains; the next batch starts new ones.</summary>
    internal void ResetChains() => _chainsReady = false;

    /// <inheritdoc />
    /// <remarks>The positive phase's mean-field rates of the last batch.</remarks>
    bool IMeanRateSource.TryGetMeanRates(int layer, Span<float> mean)
    {
        if (_lastRows == 0 || layer < 1 || layer >= _rates.Length) return false;
        MeanRates.ColumnMeans(_rates[layer], _lastRows, mean);
        return true;
    }

    /// <inheritdoc />
    public void Validate(Architecture architecture)
    {
        if (architecture.LayerCount < 2)
            throw new InvalidOptionsException("layers", $"DBM persistent contrastive divergence needs at least one hidden layer; {architecture} is fully visible — train it with MPF.");
        GaussianVisible.Refuse(architecture, "DBM persistent contrastive divergence");
    }

    /// <inheritdoc />
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey) =>
        Evaluate(model, visible, rows, gradient, randomKey, BatchShard.Whole(rows));

    /// <inheritdoc />
    /// <remarks>
    /// The chains are the shard's own: as many as its first batch had rows (unless <see cref="DbmPcdOptions.Chains"/> is
    /// set, when every process runs that same set), numbered from that batch's first row, so that over all processes
    /// they are the chains one process would run; the negative phase of a process is weighted by its rows.
    /// </remarks>
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey, BatchShard shard)
    {
        Validate(model.Architecture);
        int n0 = model.LayerSize(0), layers = model.LayerCount;
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Batch must have at least one row.");
        if (visible.Length < rows * n0)
            throw new ArgumentException($"Expected {rows} rows of {n0} visible units ({rows * n0} values); got {visible.Length}.", nameof(visible));
        Prepare(model, rows);

        // Positive phase: mean-field rates with v clamped.
        visible[..(rows * n0)].CopyTo(_rates[0]);
        MeanFieldSweep.Run(model, _rates, rows, Options.MeanFieldSweeps, Options.Damping, _input);
        _lastRows = rows;
        double crossEntropy = ReconstructionCrossEntropy(model, rows);

        // Negative phase: persistent chains.
        if (!_chainsReady) StartChains(model, rows, shard.FirstRow);
        int chains = _chainCount;
        for (int s = 0; s < Options.GibbsSteps; s++)
        {
            for (int l = 1; l < layers; l += 2) SampleLayer(model, l, chains, CounterRandom.StreamKey(randomKey, (ulong)s, (ulong)l));
            for (int l = 0; l < layers; l += 2) SampleLayer(model, l, chains, CounterRandom.StreamKey(randomKey, (ulong)s, (ulong)l));
        }

        // g = −(positive − negative).
        gradient.Clear();
        float pos = -1f / rows, neg = 1f / chains;
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var mu = _rates[l].AsSpan(0, rows * n);
            var x = _chains[l].AsSpan(0, chains * n);
            GradientAccumulation.AccumulateColumnSums(mu, gradient.Biases[l], rows, pos);
            GradientAccumulation.AccumulateColumnSums(x, gradient.Biases[l], chains, neg);
            if (l + 1 < layers)
            {
                int m = model.LayerSize(l + 1);
                MatrixProduct.AccumulateTransposedProduct(mu, _rates[l + 1].AsSpan(0, rows * m), gradient.Weights[l], n, rows, m, pos);
                MatrixProduct.AccumulateTransposedProduct(x, _chains[l + 1].AsSpan(0, chains * m), gradient.Weights[l], n, chains, m, neg);
            }
            if (_pairs[l] is { } g)
            {
                Array.Clear(g);
                MatrixProduct.AccumulateTransposedProduct(mu, mu, g, n, rows, n, pos);
                MatrixProduct.AccumulateTransposedProduct(x, x, g, n, chains, n, neg);
                var target = gradient.Laterals[l]!;
                for (int k = 0; k < n; k++)
                {
                    target[k * n + k] = 0f;
                    for (int j = k + 1; j < n; j++)
                    {
                        // Both orders hold the same products; averaging them makes the result exactly symmetric
                        // whatever summation order the product kernel uses.
                        float d = 0.5f * (g[k * n + j] + g[j * n + k]);
                        target[k * n + j] = d;
                        target[j * n + k] = d;
                    }
                }
            }
        }
        return new ObjectiveValue(crossEntropy, 0);
    }

    /// <summary>Samples layer <paramref name="layer"/> of every chain from its conditional given all other layers.</summary>
    private void SampleLayer(DeepBoltzmannMachine model, int layer, int chains, ulong key)
    {
        if (_gibbs is null || _gibbs.Rows != chains || !ReferenceEquals(_gibbsModel, model))
        {
            _gibbs = new LayerGibbs(model, chains);
            _gibbsModel = model;
        }
        _gibbs.Update(_chains, layer, 1f, null, key, firstRow: _firstChain);
    }

    private void StartChains(DeepBoltzmannMachine model, int rows, int firstRow)
    {
        int count = Options.Chains > 0 ? Options.Chains : rows;
        _firstChain = Options.Chains > 0 ? 0 : firstRow;
        int layers = model.LayerCount;
        if (count > _chainCount || _chains.Length != layers)
        {
            _chains = new float[layers][];
            for (int l = 0; l < layers; l++) _chains[l] = new float[count * model.LayerSize(l)];
        }
        _chainCount = count;
        ulong seedKey = CounterRandom.StreamKey((ulong)(uint)Options.ChainSeed, 0x4442_4D50ul);
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var chain = _chains[l].AsSpan(0, count * n);
            if (Options.ChainStart == PersistentChainStart.Random)
            {
                chain.Fill(0.5f);
                Bernoulli.SampleFrom(chain, chain, CounterRandom.StreamKey(seedKey, (ulong)l), checked((uint)((long)_firstChain * n)));
                continue;
            }
            // First batch: visible rows copied (cycled), hidden units sampled from the positive phase's rates.
            for (int c = 0; c < count; c++) _rates[l].AsSpan(c % rows * n, n).CopyTo(chain.Slice(c * n, n));
            if (l > 0) Bernoulli.SampleFrom(chain, chain, CounterRandom.StreamKey(seedKey, (ulong)l), checked((uint)((long)_firstChain * n)));
        }
        _chainsReady = true;
    }

    private double ReconstructionCrossEntropy(DeepBoltzmannMachine model, int rows)
    {
        int n0 = model.LayerSize(0), n1 = model.LayerSize(1);
        var input = _scratch.AsSpan(0, rows * n0);
        MatrixProduct.MultiplyByTransposed(_rates[1].AsSpan(0, rows * n1), model.Weights(0), input, rows, n1, n0);
        if (model.Lateral(0) is { } lateral)
            MatrixProduct.Multiply(_rates[0].AsSpan(0, rows * n0), lateral, input, rows, n0, n0, accumulate: true);
        return RbmGibbs.CrossEntropyFromInputs(_rates[0].AsSpan(0, rows * n0), input, model.Biases(0), rows, 1f);
    }

    object IStatefulObjective.SaveState() =>
        (Chains: _chains.Select(c => (float[])c.Clone()).ToArray(), Ready: _chainsReady, Count: _chainCount);

    void IStatefulObjective.RestoreState(object state) =>
        (_chains, _chainsReady, _chainCount) = ((float[][], bool, int))state;

    private void Prepare(DeepBoltzmannMachine model, int rows)
    {
        if (!ReferenceEquals(_model, model))
        {
            _model = model;
            _maxRows = 0;
            _chainsReady = false;
            _chainCount = 0;
            _chains = [];
            _pairs = new float[]?[model.LayerCount];
            for (int l = 0; l < model.LayerCount; l++)
                if (model.Lateral(l) is not null) _pairs[l] = new float[model.LayerSize(l) * model.LayerSize(l)];
        }
        if (rows <= _maxRows) return;
        _maxRows = rows;
        int widest = model.Architecture.LayerSizes.Max();
        _rates = model.Architecture.LayerSizes.Select(n => new float[rows * n]).ToArray();
        _input = new float[rows * widest];
        _scratch = new float[rows * model.LayerSize(0)];
    }
}
