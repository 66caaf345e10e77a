using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// Variational Probability Flow on one mini-batch (vpf-math.md §3): E-step (mean-field rates with v clamped),
/// states from the chosen <see cref="FlowEstimator"/>, M-step (the flow gradient on those states, held fixed).
/// With Gaussian visible units the visible layer's flip terms become score-matching terms (vpf-math.md §9); the
/// Sampled, MeanField and Expected estimators all support them. With <see cref="VpfOptions.AllBitsFlipped"/> every
/// state also flows to its complement (vpf-math.md §10.1), on the same states; with <see cref="VpfOptions.PersistentSamples"/> the
/// flow to persistent chain samples (<see cref="PersistentFlow"/>) is added to K and its gradient.
/// </summary>
internal sealed class VariationalProbabilityFlow : ITrainingObjective, IMeanRateSource, IStatefulObjective
{
    private Workspace? _work;
    private int _lastRows;
    private readonly PersistentFlow? _persistent;

    /// <summary>Creates the objective; options are validated here.</summary>
    public VariationalProbabilityFlow(VpfOptions? options = null)
    {
        Options = options ?? new VpfOptions();
        Options.Validate();
        if (Options.PersistentSamples > 0) _persistent = new PersistentFlow(Options);
    }

    /// <summary>The options.</summary>
    public VpfOptions Options { get; }

    /// <summary>Mean-field rates of the last evaluated batch, per layer (rows × n_l; layer 0 is the visible batch).</summary>
    internal IReadOnlyList<float[]> Rates => _work?.Rates ?? [];

    /// <inheritdoc />
    /// <remarks>The E-step rates μ_l of the last batch.</remarks>
    bool IMeanRateSource.TryGetMeanRates(int layer, Span<float> mean)
    {
        if (_work is null || _lastRows == 0 || layer < 1 || layer >= _work.Rates.Length) return false;
        MeanRates.ColumnMeans(_work.Rates[layer], _lastRows, mean);
        return true;
    }

    /// <inheritdoc />
    public void Validate(Architecture architecture)
    {
        if (architecture.LayerCount < 2)
            throw new InvalidOptionsException("layers", $"VPF needs at least one hidden layer; {architecture} is fully visible — train it with MPF.");
        if (Options.AllBitsFlipped && architecture.HasGaussianVisible)
            throw new InvalidOptionsException(nameof(VpfOptions.AllBitsFlipped),
                $"the all-bits-flipped state (AllBitsFlipped) exists for binary units only; {architecture} has Gaussian visible units.");
        if (Options.PersistentSamples > 0 && architecture.HasGaussianVisible)
            throw new InvalidOptionsException(nameof(VpfOptions.PersistentSamples),
                $"PersistentSamples ({Options.PersistentSamples}) needs binary visible units (the flow to chain samples uses the binary energy); {architecture} has Gaussian visible units.");
    }

    /// <summary>The persistent chains after the last batch (M × n_l per layer); empty without persistent samples or before the first batch.</summary>
    internal IReadOnlyList<float[]> PersistentChains => _persistent?.Chains ?? [];

    object IStatefulObjective.SaveState() => _persistent?.SaveState() ?? NoState;

    void IStatefulObjective.RestoreState(object state)
    {
        if (_persistent is not null) _persistent.RestoreState(state);
    }

    private static readonly object NoState = new();

    /// <inheritdoc />
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey) =>
        Evaluate(model, visible, rows, gradient, randomKey, BatchShard.Whole(rows));

    /// <inheritdoc />
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey, BatchShard shard)
    {
        Validate(model.Architecture);
        int n0 = model.LayerSize(0);
        if (visible.Length < rows * n0)
            throw new ArgumentException($"Expected {rows} rows of {n0} visible units ({rows * n0} values); got {visible.Length}.", nameof(visible));
        if (_persistent is not null && shard.GlobalRows != rows)
            throw new InvalidOptionsException(nameof(VpfOptions.PersistentSamples),
                $"the persistent chains belong to one process; data-parallel training ({rows} of {shard.GlobalRows} rows here) would connect each process's rows to its own chains only.");
        var work = WorkspaceFor(model, rows);

        // E-step.
        visible[..(rows * n0)].CopyTo(work.Rates[0]);
        MeanFieldSweep.Run(model, work.Rates, rows, Options.MeanFieldSweeps, Options.Damping, work.Input, work.VisibleInput);
        _lastRows = rows;

        // States and M-step.
        ObjectiveValue value;
        switch (Options.Estimator)
        {
            case FlowEstimator.MeanField:
                value = WithPersistentFlow(model, work, rows, work.Rates, rows, work.Gradient.Compute(work.Rates, rows, gradient), gradient, randomKey);
                break;
            case FlowEstimator.Expected:
                value = work.Expected.Compute(work.Rates, rows, gradient);
                break;
            default:
                DrawSpikes(model, work, rows, randomKey, shard.FirstRow);
                int sampleRows = rows * Options.SamplesPerDatum;
                value = WithPersistentFlow(model, work, rows, work.Spikes, sampleRows, work.Gradient.Compute(work.Spikes, sampleRows, gradient), gradient, randomKey);
                break;
        }
        return Options.AllBitsFlipped ? AddAllBitsFlipped(work, rows, gradient, value) : value;
    }

    /// <summary>Adds the flow to the all-bits-flipped states (vpf-math.md §10.1) on the same states and rows as the single flips.</summary>
    private ObjectiveValue AddAllBitsFlipped(Workspace work, int rows, ParameterSet gradient, ObjectiveValue singleFlips)
    {
        var complement = Options.Estimator switch
        {
            FlowEstimator.MeanField => work.AllBitsFlipped.Add(work.Rates, rows, gradient, expected: false),
            FlowEstimator.Expected => work.AllBitsFlipped.Add(work.Rates, rows, gradient, expected: true),
            _ => work.AllBitsFlipped.Add(work.Spikes, rows * Options.SamplesPerDatum, gradient, expected: false),
        };
        return new ObjectiveValue(singleFlips.Value + complement.Value, singleFlips.ClampCount + complement.ClampCount);
    }

    /// <summary>The single-flip value plus, with persistent samples, λ log K̄_P (its gradient added into <paramref name="gradient"/>).</summary>
    private ObjectiveValue WithPersistentFlow(DeepBoltzmannMachine model, Workspace work, int rows, IReadOnlyList<float[]> states, int stateRows,
        ObjectiveValue singleFlip, ParameterSet gradient, ulong randomKey)
    {
        if (_persistent is null) return singleFlip;
        var persistent = _persistent.Add(model, work.Rates, rows, states, stateRows, gradient, randomKey);
        return new ObjectiveValue(singleFlip.Value + persistent.Value, singleFlip.ClampCount + persistent.ClampCount);
    }

    /// <summary>
    /// Fills the spike buffers: S copies of the batch, visible units repeated, hidden units drawn from Bernoulli(μ).
    /// Layer l, sample s uses stream (key, l, s), so every layer's spikes are independent and reproducible; unit k of
    /// row r is counter (firstRow + r)·n_l + k, the row's place in the whole mini-batch.
    /// </summary>
    private void DrawSpikes(DeepBoltzmannMachine model, Workspace work, int rows, ulong randomKey, int firstRow)
    {
        int samples = Options.SamplesPerDatum;
        for (int l = 0; l < model.LayerCount; l++)
        {
            int block = rows * model.LayerSize(l);
            var rates = work.Rates[l].AsSpan(0, block);
            for (int s = 0; s < samples; s++)
            {
                var target = work.Spikes[l].AsSpan(s * block, block);
                if (l == 0) rates.CopyTo(target);
                else Bernoulli.SampleFrom(rates, target, CounterRandom.StreamKey(randomKey, (ulong)l, (ulong)s), checked((uint)((long)firstRow * model.LayerSize(l))));
            }
        }
    }

    /// <summary>Whether the Expected estimator's tables exist (they are built only when that estimator runs).</summary>
    internal bool HasExpectedFlowTables => _work?.HasExpected ?? false;

    private Workspace WorkspaceFor(DeepBoltzmannMachine model, int rows)
    {
        if (_work is null || _work.Model != model || _work.MaxRows < rows)
            _work = new Workspace(model, Math.Max(rows, _work?.Model == model ? _work.MaxRows : 0), Options.SamplesPerDatum);
        return _work;
    }

    /// <summary>Buffers reused across batches, so that the training loop does not allocate.</summary>
    private sealed class Workspace
    {
        public Workspace(DeepBoltzmannMachine model, int maxRows, int samples)
        {
            Model = model;
            MaxRows = maxRows;
            int layers = model.LayerCount, widest = 0;
            Rates = new float[layers][];
            Spikes = new float[layers][];
            for (int l = 0; l < layers; l++)
            {
                int n = model.LayerSize(l);
                widest = Math.Max(widest, n);
                Rates[l] = new float[maxRows * n];
                Spikes[l] = new float[maxRows * samples * n];
            }
            Input = new float[maxRows * widest];
            VisibleInput = new float[maxRows * model.LayerSize(1)];
            Gradient = new FlowGradient(model, maxRows * samples);
        }

        public DeepBoltzmannMachine Model { get; }
        public int MaxRows { get; }
        public float[][] Rates { get; }
        public float[][] Spikes { get; }
        public float[] Input { get; }
        public float[] VisibleInput { get; }
        public FlowGradient Gradient { get; }

        /// <summary>The Expected estimator's tables (tens of MB for a large DBM), built on first use only.</summary>
        public ExpectedFlow Expected => _expected ??= new ExpectedFlow(Model);

        /// <summary>Whether <see cref="Expected"/> has been built.</summary>
        public bool HasExpected => _expected is not null;

        /// <summary>The all-bits-flipped term's buffers, built on first use only.</summary>
        public AllBitsFlippedFlow AllBitsFlipped => _allBitsFlipped ??= new AllBitsFlippedFlow(Model);

        private ExpectedFlow? _expected;
        private AllBitsFlippedFlow? _allBitsFlipped;
    }
}
