using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// Contrastive divergence (CD-k, Hinton 2002) and persistent contrastive divergence (PCD-k, Tieleman 2008) for an RBM,
/// as an <see cref="ITrainingObjective"/> for <see cref="MiniBatchTrainer"/>. Cost per batch: O(k · B · n_v · n_h).
/// </summary>
/// <remarks>
/// <para>
/// Positive phase: hidden probabilities μ = σ(c + vW) of the data. Negative phase: k steps of block Gibbs sampling
/// (h ~ p(h | v), then v ~ p(v | h), both sampled) from the data rows (CD) or from persistent fantasy chains kept
/// across batches (PCD); the statistics use the last visible sample v⁻ and the hidden probabilities p(h | v⁻), as in
/// Hinton's practical guide (probabilities for the positive statistics and for the last hidden update).
/// </para>
/// <para>
/// The gradient written is the descent direction of the negative log-likelihood, so every optimiser applies
/// θ ← θ − η g unchanged: g_W = −(vᵀμ / B − v⁻ᵀμ⁻ / C), g_b = −(mean v − mean v⁻), g_c = −(mean μ − mean μ⁻), with B the
/// batch size and C the number of chains (C = B for CD).
/// </para>
/// <para>
/// <see cref="ObjectiveValue.Value"/> is not a flow here: it is the monitored value, the mean over the batch of the
/// reconstruction cross-entropy −Σ_i [v_i log p_i + (1 − v_i) log(1 − p_i)] with p = σ(b + μWᵀ) the deterministic
/// one-step mean-field reconstruction of the data (in nats per row, before this batch's step). It goes down as the
/// model learns, but it is not the likelihood; <see cref="ObjectiveValue.ClampCount"/> is 0. With Gaussian visible
/// units (vpf-math.md §9) the negative phase draws v ~ N(b + hWᵀ, I), the gradient keeps the same form, and the monitor
/// is half the squared reconstruction error ½|v − b − μWᵀ|² per row.
/// </para>
/// <para>
/// Randomness: batch key κ (from the trainer) drives the chains through <see cref="RbmGibbs.Run(DeepBoltzmannMachine, Span{float}, Span{float}, int, int, ulong)"/>
/// with key κ, so the negative phase of a batch can be replayed from <see cref="FantasyVisible"/>.
/// Default training settings: <see cref="CdMethod.DefaultTraining"/> and <see cref="PcdMethod.DefaultTraining"/>.
/// </para>
/// </remarks>
internal sealed class ContrastiveDivergence : ITrainingObjective, IStatefulObjective, IMeanRateSource
{
    private int _lastRows;
    private float[] _positive = [], _negativeVisible = [], _negativeHidden = [], _scratch = [];
    private float[]? _chains;
    private int _chainCount, _firstChain;
    private DeepBoltzmannMachine? _chainModel;

    /// <summary>Creates the objective; options are validated here. Null means CD-1.</summary>
    public ContrastiveDivergence(ContrastiveDivergenceOptions? options = null)
    {
        Options = options ?? new ContrastiveDivergenceOptions();
        Options.Validate();
    }

    /// <summary>The options.</summary>
    public ContrastiveDivergenceOptions Options { get; }

    /// <summary>
    /// PCD: the visible states of the persistent chains after the last evaluated batch (chains × n_v), which are where
    /// the next batch's negative phase starts; empty before the first batch and for CD.
    /// </summary>
    internal ReadOnlySpan<float> FantasyVisible => _chains is null ? default : _chains.AsSpan(0, _chainCount * (_chainModel?.LayerSize(0) ?? 0));

    /// <summary>Number of persistent chains (0 before the first batch and for CD).</summary>
    internal int ChainCount => _chains is null ? 0 : _chainCount;

    /// <summary>Forgets the persistent chains; the next batch starts new ones as <see cref="ContrastiveDivergenceOptions.ChainStart"/> says.</summary>
    internal void ResetChains()
    {
        _chains = null;
        _chainModel = null;
        _chainCount = 0;
    }

    /// <inheritdoc />
    /// <remarks>The positive-phase hidden probabilities of the last batch.</remarks>
    bool IMeanRateSource.TryGetMeanRates(int layer, Span<float> mean)
    {
        if (_lastRows == 0 || layer != 1) return false;
        MeanRates.ColumnMeans(_positive, _lastRows, mean);
        return true;
    }

    /// <inheritdoc />
    public void Validate(Architecture architecture)
    {
        if (!architecture.IsRbm || architecture.HasLateral[0])
            throw new InvalidOptionsException("layers",
                $"contrastive divergence trains RBMs (two layers, no lateral weights); got {architecture} — use DbmPersistentContrastiveDivergence for deep or laterally connected machines.");
        if (architecture.HasGaussianVisible && (Options.HiddenInputScale != 1f || Options.VisibleInputScale != 1f))
            GaussianVisible.Refuse(architecture, "contrastive divergence with scaled inputs (greedy pretraining)");
    }

    /// <inheritdoc />
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey) =>
        Evaluate(model, visible, rows, gradient, randomKey, BatchShard.Whole(rows));

    /// <inheritdoc />
    /// <remarks>
    /// CD's chain r starts at row r, so it draws the counters of row <see cref="BatchShard.FirstRow"/> + r. PCD's chains
    /// are the shard's own: as many as its first batch had rows (unless <see cref="ContrastiveDivergenceOptions.Chains"/>
    /// is set, when every process runs that same set), numbered from that batch's first row, so that over all processes
    /// they are the chains one process would run; the negative phase of a process is weighted by its rows.
    /// </remarks>
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey, BatchShard shard)
    {
        Validate(model.Architecture);
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Batch must have at least one row.");
        if (visible.Length < rows * nv)
            throw new ArgumentException($"Expected {rows} rows of {nv} visible units ({rows * nv} values); got {visible.Length}.", nameof(visible));
        var data = visible[..(rows * nv)];
        float up = Options.HiddenInputScale, down = Options.VisibleInputScale;

        // Positive phase and the monitored reconstruction error.
        Ensure(ref _positive, rows * nh);
        Ensure(ref _scratch, rows * nv);
        var positive = _positive.AsSpan(0, rows * nh);
        RbmGibbs.HiddenProbabilities(model, data, positive, rows, up);
        _lastRows = rows;
        double crossEntropy = model.Architecture.HasGaussianVisible
            ? GaussianRbmScores.ReconstructionError(model, data, positive, rows, _scratch)
            : RbmGibbs.ReconstructionCrossEntropy(model, data, positive, rows, down, _scratch);

        // Negative phase.
        Span<float> negativeVisible;
        int chains;
        if (Options.Persistent)
        {
            EnsureChains(model, data, rows, shard.FirstRow);
            chains = _chainCount;
            negativeVisible = _chains.AsSpan(0, chains * nv);
        }
        else
        {
            chains = rows;
            Ensure(ref _negativeVisible, rows * nv);
            negativeVisible = _negativeVisible.AsSpan(0, rows * nv);
            data.CopyTo(negativeVisible);
        }
        Ensure(ref _negativeHidden, chains * nh);
        var negativeHidden = _negativeHidden.AsSpan(0, chains * nh);
        int firstChain = Options.Persistent ? _firstChain : shard.FirstRow;
        RbmGibbs.Run(model, negativeVisible, negativeHidden, chains, Options.Steps, randomKey, up, down, firstChain);

        // g = −(positive − negative): the descent direction of −log-likelihood.
        gradient.Clear();
        float pos = -1f / rows, neg = 1f / chains;
        MatrixProduct.AccumulateTransposedProduct(data, positive, gradient.Weights[0], nv, rows, nh, pos);
        MatrixProduct.AccumulateTransposedProduct(negativeVisible, negativeHidden, gradient.Weights[0], nv, chains, nh, neg);
        GradientAccumulation.AccumulateColumnSums(data, gradient.Biases[0], rows, pos);
        GradientAccumulation.AccumulateColumnSums(negativeVisible, gradient.Biases[0], chains, neg);
        GradientAccumulation.AccumulateColumnSums(positive, gradient.Biases[1], rows, pos);
        GradientAccumulation.AccumulateColumnSums(negativeHidden, gradient.Biases[1], chains, neg);
        return new ObjectiveValue(crossEntropy, 0);
    }

    private void EnsureChains(DeepBoltzmannMachine model, ReadOnlySpan<float> data, int rows, int firstRow)
    {
        if (_chains is not null && ReferenceEquals(_chainModel, model)) return;
        int nv = model.LayerSize(0);
        int count = Options.Chains > 0 ? Options.Chains : rows;
        _firstChain = Options.Chains > 0 ? 0 : firstRow;
        var chains = new float[count * nv];
        if (Options.ChainStart == PersistentChainStart.Random && model.Architecture.HasGaussianVisible)
        {
            // Gaussian chains start at N(b, I), the visible layer's distribution with the hidden units off.
            GaussianUnits.Sample(new float[chains.Length], model.Biases(0), chains, chains, count,
                CounterRandom.StreamKey((ulong)(uint)Options.ChainSeed, 0x5043_4443ul), checked((uint)((long)_firstChain * nv)));
        }
        else if (Options.ChainStart == PersistentChainStart.Random)
        {
            var half = new float[chains.Length];
            Array.Fill(half, 0.5f);
            Bernoulli.SampleFrom(half, chains, CounterRandom.StreamKey((ulong)(uint)Options.ChainSeed, 0x5043_4443ul), checked((uint)((long)_firstChain * nv)));
        }
        else
        {
            for (int c = 0; c < count; c++) data.Slice(c % rows * nv, nv).CopyTo(chains.AsSpan(c * nv, nv));
        }
        _chains = chains;
        _chainCount = count;
        _chainModel = model;
    }

    object IStatefulObjective.SaveState() => (Chains: (float[]?)_chains?.Clone(), Count: _chainCount, Model: _chainModel);

    void IStatefulObjective.RestoreState(object state) =>
        (_chains, _chainCount, _chainModel) = ((float[]?, int, DeepBoltzmannMachine?))state;

    private static void Ensure(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
    }
}
