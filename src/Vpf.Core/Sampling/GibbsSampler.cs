using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Sampling;

/// <summary>What <see cref="GibbsSampler.Sample"/> records besides the visible states.</summary>
[Flags]
public enum GibbsRecord
{
    /// <summary>Visible states only.</summary>
    Visible = 0,
    /// <summary>Also the full joint state of every layer.</summary>
    States = 1,
    /// <summary>Also the visible units' conditional probabilities p(v_k = 1 | rest) from the update that drew them.</summary>
    VisibleProbabilities = 2,
}

/// <summary>
/// Samples recorded by <see cref="GibbsSampler.Sample"/>: <see cref="Count"/> recordings of <see cref="Chains"/> chains,
/// recording s of chain r in row s·Chains + r.
/// </summary>
public sealed class GibbsSamples
{
    internal GibbsSamples(int count, int chains, float[] visible, float[][]? states, float[]? visibleProbabilities)
    {
        Count = count;
        Chains = chains;
        Visible = visible;
        States = states;
        VisibleProbabilities = visibleProbabilities;
    }

    /// <summary>Number of recordings (each of every chain).</summary>
    public int Count { get; }

    /// <summary>Number of chains.</summary>
    public int Chains { get; }

    /// <summary>Number of rows: Count × Chains.</summary>
    public int Rows => Count * Chains;

    /// <summary>Visible states, Rows × n_0 of 0/1.</summary>
    public float[] Visible { get; }

    /// <summary>Per layer, Rows × n_l joint states; null unless <see cref="GibbsRecord.States"/> was asked for.</summary>
    public float[][]? States { get; }

    /// <summary>Rows × n_0 visible probabilities; null unless <see cref="GibbsRecord.VisibleProbabilities"/> was asked for.</summary>
    public float[]? VisibleProbabilities { get; }
}

/// <summary>
/// Block Gibbs sampling of a binary (deep) Boltzmann machine, a batch of independent chains at once (one chain per
/// row). A sweep samples every odd layer given the even ones, then every even layer given the odd ones; layers without
/// lateral weights are conditionally independent given their neighbours and are drawn at once, while a layer with lateral
/// weights is updated unit by unit, each unit from σ(u_k) with the current states of the others. Every step leaves the
/// model distribution p(x) ∝ exp(−E(x)) (or, with clamped visible units, the conditional of the free units) invariant.
/// </summary>
/// <remarks>
/// All randomness is counter-based: sweep t updates layer l with the stream key
/// <see cref="CounterRandom.StreamKey"/>(seed, t, l), so the same seed and the same calls give the same samples, bit for
/// bit, whatever the thread count.
/// </remarks>
public sealed class GibbsSampler
{
    private const ulong InitialisationStream = ulong.MaxValue;
    private readonly float[][] _states;
    private readonly LayerGibbs _gibbs;
    private readonly float[] _visibleProbabilities;
    private bool[]? _clamp;
    private float[]? _clampValues;

    /// <summary>Creates <paramref name="chains"/> chains, all units initially 0 (call an Initialise method first).</summary>
    /// <exception cref="InvalidOptionsException">Fewer than one chain.</exception>
    public GibbsSampler(DeepBoltzmannMachine model, int chains, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (chains < 1) throw new InvalidOptionsException(nameof(chains), $"must be ≥ 1; got {chains}.");
        Model = model;
        Chains = chains;
        Seed = seed;
        _states = model.Architecture.LayerSizes.Select(n => new float[chains * n]).ToArray();
        _gibbs = new LayerGibbs(model, chains);
        _visibleProbabilities = new float[chains * model.LayerSize(0)];
    }

    /// <summary>The machine sampled from (its parameters are read at every sweep, not copied).</summary>
    public DeepBoltzmannMachine Model { get; }

    /// <summary>Number of chains.</summary>
    public int Chains { get; }

    /// <summary>The seed of every stream key.</summary>
    public ulong Seed { get; }

    /// <summary>Sweeps taken so far (the step counter of the stream keys).</summary>
    public long SweepsTaken { get; private set; }

    /// <summary>The current joint states: per layer, Chains × n_l. Live: the next sweep changes them.</summary>
    public IReadOnlyList<float[]> States => _states;

    /// <summary>
    /// p(v_k = 1 | rest) of every chain from the last visible update (clamped units: their value); for Gaussian visible
    /// units the conditional means (b + W h)_k. Live.
    /// </summary>
    public ReadOnlySpan<float> VisibleProbabilities => _visibleProbabilities;

    /// <summary>Sets every unit of every chain to 1 with probability <paramref name="onProbability"/>, independently.</summary>
    public void InitialiseRandom(float onProbability = 0.5f)
    {
        if (!(onProbability >= 0f && onProbability <= 1f))
            throw new InvalidOptionsException(nameof(onProbability), $"must be in [0, 1]; got {onProbability}.");
        for (int l = 0; l < _states.Length; l++)
        {
            var p = new float[_states[l].Length];
            Array.Fill(p, onProbability);
            Bernoulli.Sample(p, _states[l], CounterRandom.StreamKey(Seed, InitialisationStream, (ulong)l));
        }
        ApplyClamp();
    }

    /// <summary>
    /// Starts chain r from visible row r mod <paramref name="rows"/> of <paramref name="visible"/> (rows × n_0 of 0/1);
    /// hidden units are drawn at random and then once from their conditionals given that visible state.
    /// </summary>
    public void InitialiseFromData(ReadOnlySpan<float> visible, int rows)
    {
        int n0 = Model.LayerSize(0);
        if (rows < 1 || visible.Length != rows * n0)
            throw new ArgumentException($"Expected rows ≥ 1 rows of {n0} visible units ({rows * n0} values); got {visible.Length}.", nameof(visible));
        InitialiseRandom();
        for (int r = 0; r < Chains; r++) visible.Slice(r % rows * n0, n0).CopyTo(_states[0].AsSpan(r * n0, n0));
        ApplyClamp();
        for (int l = 1; l < _states.Length; l += 2) _gibbs.Update(_states, l, 1f, null, CounterRandom.StreamKey(Seed, InitialisationStream - 1, (ulong)l));
        for (int l = 2; l < _states.Length; l += 2) _gibbs.Update(_states, l, 1f, null, CounterRandom.StreamKey(Seed, InitialisationStream - 1, (ulong)l));
    }

    /// <summary>
    /// Clamps visible units for conditional sampling: where <paramref name="mask"/> is true the unit is set to the
    /// matching entry of <paramref name="values"/> and never changes; the free units are then sampled from their
    /// conditional distribution given the clamped ones. Both spans are either n_0 long (the same for every chain) or
    /// Chains × n_0 (one row per chain).
    /// </summary>
    public void Clamp(ReadOnlySpan<bool> mask, ReadOnlySpan<float> values)
    {
        int n0 = Model.LayerSize(0), total = Chains * n0;
        if ((mask.Length != n0 && mask.Length != total) || values.Length != mask.Length)
            throw new ArgumentException($"Expected a mask and values of n_0 = {n0} or Chains × n_0 = {total} entries; got {mask.Length} and {values.Length}.", nameof(mask));
        _clamp = new bool[total];
        _clampValues = new float[total];
        for (int i = 0; i < total; i++)
        {
            int j = mask.Length == total ? i : i % n0;
            _clamp[i] = mask[j];
            _clampValues[i] = values[j];
        }
        ApplyClamp();
    }

    /// <summary>Frees every clamped unit.</summary>
    public void ReleaseClamp() => (_clamp, _clampValues) = (null, null);

    /// <summary>Runs <paramref name="sweeps"/> full sweeps (odd layers given even, then even given odd).</summary>
    public void Step(int sweeps = 1)
    {
        if (sweeps < 0) throw new InvalidOptionsException(nameof(sweeps), $"must be ≥ 0; got {sweeps}.");
        for (int s = 0; s < sweeps; s++)
        {
            ulong t = (ulong)SweepsTaken;
            for (int parity = 1; parity >= 0; parity--)
                for (int l = parity; l < _states.Length; l += 2)
                    _gibbs.Update(_states, l, 1f, null, CounterRandom.StreamKey(Seed, t, (ulong)l), _clamp, _clampValues,
                        l == 0 ? _visibleProbabilities : null);
            SweepsTaken++;
        }
    }

    /// <summary>
    /// Runs <paramref name="burnIn"/> sweeps, then <paramref name="count"/> times: <paramref name="thinning"/> sweeps and a
    /// recording of every chain.
    /// </summary>
    public GibbsSamples Sample(int count, int burnIn = 0, int thinning = 1, GibbsRecord record = GibbsRecord.Visible)
    {
        if (count < 0) throw new InvalidOptionsException(nameof(count), $"must be ≥ 0; got {count}.");
        if (burnIn < 0) throw new InvalidOptionsException(nameof(burnIn), $"must be ≥ 0; got {burnIn}.");
        if (thinning < 1) throw new InvalidOptionsException(nameof(thinning), $"must be ≥ 1; got {thinning}.");
        int n0 = Model.LayerSize(0);
        var visible = new float[(long)count * Chains * n0];
        var states = record.HasFlag(GibbsRecord.States)
            ? _states.Select(s => new float[(long)count * s.Length]).ToArray() : null;
        var probabilities = record.HasFlag(GibbsRecord.VisibleProbabilities) ? new float[visible.Length] : null;
        Step(burnIn);
        for (int s = 0; s < count; s++)
        {
            Step(thinning);
            _states[0].CopyTo(visible, s * _states[0].Length);
            if (states is not null)
                for (int l = 0; l < _states.Length; l++) _states[l].CopyTo(states[l], s * _states[l].Length);
            if (probabilities is not null) _visibleProbabilities.CopyTo(probabilities, s * _visibleProbabilities.Length);
        }
        return new GibbsSamples(count, Chains, visible, states, probabilities);
    }

    private void ApplyClamp()
    {
        if (_clamp is null) return;
        for (int i = 0; i < _clamp.Length; i++)
            if (_clamp[i]) _visibleProbabilities[i] = _states[0][i] = _clampValues![i];
    }
}
