using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Sampling;
using Vpf.Kernels;

namespace Vpf.Core.Reconstruction;

/// <summary>
/// Infers the missing or noisy pixels of corrupted images with a trained machine (vpf-math.md §7) and returns a
/// probability for every pixel.
/// </summary>
/// <remarks>
/// <para><b>In-filling (occlusion), mean-field.</b> Known pixels are clamped. Unknown visible units get rates like
/// hidden units: they start at ½ or at the training-set marginals (<see cref="ReconstructionOptions.UnknownStart"/>),
/// the hidden layers are initialised bottom-up as in <see cref="MeanFieldSweep.Initialise"/>, and then each of
/// <see cref="ReconstructionOptions.Sweeps"/> sweeps sets the unknown visible rates to σ(u_0) with
/// u_0 = b_0 + μ_1 W_0ᵀ (+ μ_0 L_0 with visible laterals) and then updates hidden layers 1…L in order. Known
/// entries are never written. Without lateral weights, the units of a layer are conditionally independent given the
/// neighbouring layers, so each layer update is an exact coordinate step of the mean-field free energy and the
/// iteration converges to a fixed point μ = σ(u(μ)); layers with lateral weights use damping.</para>
/// <para><b>Denoising (flips), mean-field.</b> No pixel is clamped. The noisy image is the visible start (and
/// only that: it is not evidence afterwards); hidden layers are initialised bottom-up from it, and each of
/// <see cref="ReconstructionOptions.DenoisingSweeps"/> sweeps sets every visible rate to σ(u_0) and then updates
/// the hidden layers. With one sweep on an RBM this is the classic p(v | E[h | v_noisy]).</para>
/// <para><b>Gibbs averaging.</b> The same clamping (everything free for flips, starting at the noisy image). The
/// state starts from samples of the initial rates; each sweep samples hidden layers 1…L and then the free visible
/// units, each layer given the current states of its neighbours (a layer with lateral weights is sampled one unit
/// at a time, in index order, so the chain stays exact). After <see cref="ReconstructionOptions.GibbsBurnIn"/>
/// sweeps, the conditional probabilities σ(u_k) of the free visible units are averaged over
/// <see cref="ReconstructionOptions.GibbsSamples"/> sweeps (a Rao–Blackwellised estimate of the marginals
/// p(v_k = 1 | v_known)). Random numbers come from the counter-based generator keyed by the seed, the global row
/// and the sweep, so results do not depend on batching or threads.</para>
/// <para>Known pixels are returned as their value in every case.</para>
/// <para><b>Gaussian visible units</b> (vpf-math.md §9). The same three procedures with the visible layer's mean-field value
/// in place of σ(u_0): the conditional mean u_0 = b_0 + μ_1 W_0ᵀ, so the result is the model's estimate of each value (not
/// a probability). Unknown values start at 0 (the middle of standardised data) or at the training column means
/// (<see cref="UnknownPixelStart.Marginals"/>, given as <c>pixelMarginals</c>); Gibbs averaging starts its visible chain at
/// those values and averages the conditional means N(b + W h, I) of the free units. Gaussian noise
/// (<see cref="CorruptionKind.GaussianNoise"/>) is denoised like flips; flips are refused for Gaussian units and Gaussian
/// noise for binary ones.</para>
/// </remarks>
public sealed class Reconstructor
{
    private readonly DeepBoltzmannMachine _model;
    private readonly ReconstructionOptions _options;
    private readonly float[]? _marginals;

    /// <summary>Creates a reconstructor.</summary>
    /// <param name="model">The trained machine.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="pixelMarginals">Training-set probability of each pixel being 1 (e.g. <c>train.ColumnMeans()</c>), or for Gaussian
    /// visible units the training column means; needed only for <see cref="UnknownPixelStart.Marginals"/>.</param>
    /// <exception cref="InvalidOptionsException">An option is out of range, or marginals are needed and missing or of the wrong length.</exception>
    public Reconstructor(DeepBoltzmannMachine model, ReconstructionOptions? options = null, IReadOnlyList<double>? pixelMarginals = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _options = options ?? new ReconstructionOptions();
        _options.Validate();
        int n0 = model.LayerSize(0);
        if (pixelMarginals is not null)
        {
            if (pixelMarginals.Count != n0)
                throw new InvalidOptionsException(nameof(pixelMarginals), $"expected one marginal per visible unit ({n0}); got {pixelMarginals.Count}.");
            _marginals = model.Architecture.HasGaussianVisible
                ? pixelMarginals.Select(m => (float)m).ToArray()
                : pixelMarginals.Select(p => (float)Math.Clamp(p, 0, 1)).ToArray();
        }
        else if (_options.UnknownStart == UnknownPixelStart.Marginals)
            throw new InvalidOptionsException(nameof(pixelMarginals), "UnknownStart is Marginals but no pixel marginals were given.");
    }

    /// <summary>The options in use.</summary>
    public ReconstructionOptions Options => _options;

    /// <summary>
    /// Per-pixel probabilities (rows × d) for a corrupted batch by the configured method: in-filling for occlusion,
    /// denoising for flips and Gaussian noise (see the class remarks); for Gaussian visible units the estimated values.
    /// </summary>
    /// <exception cref="ArgumentException">The batch's pixel count differs from the model's visible units.</exception>
    /// <exception cref="InvalidOptionsException">Flips for Gaussian visible units, or Gaussian noise for binary ones (option "Corruption").</exception>
    public float[] Reconstruct(CorruptedBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckWidth(batch.Dimension);
        bool gaussian = _model.Architecture.HasGaussianVisible;
        if (gaussian && batch.Kind == CorruptionKind.PixelFlips)
            throw new InvalidOptionsException("Corruption", $"flipping pixels needs binary visible units; {_model.Architecture} has Gaussian visible units (use Gaussian noise).");
        if (!gaussian && batch.Kind == CorruptionKind.GaussianNoise)
            throw new InvalidOptionsException("Corruption", $"Gaussian noise needs Gaussian visible units; {_model.Architecture} has binary visible units (use pixel flips).");
        bool denoise = batch.Kind is CorruptionKind.PixelFlips or CorruptionKind.GaussianNoise;
        if (_options.Method == ReconstructionMethod.Gibbs)
            return denoise
                ? GibbsAverage(batch.Values, new bool[batch.Values.Length], batch.Rows, batch.FirstRow, noisyStart: true)
                : GibbsAverage(batch.Values, batch.Known, batch.Rows, batch.FirstRow);
        return denoise ? Denoise(batch.Values, batch.Rows) : InferMissing(batch.Values, batch.Known, batch.Rows);
    }

    /// <summary>Mean-field in-filling: clamps the pixels where <paramref name="known"/> is true and infers the others.</summary>
    /// <param name="values">rows × d values; those at unknown positions are ignored.</param>
    /// <param name="known">rows × d flags.</param>
    /// <param name="rows">Number of images.</param>
    /// <returns>rows × d probabilities; known pixels are their value.</returns>
    internal float[] InferMissing(ReadOnlySpan<float> values, ReadOnlySpan<bool> known, int rows) =>
        InferMissingStates(values, known, rows, _options.Sweeps)[0];

    /// <summary>Mean-field denoising: every visible unit free, starting from the noisy image (see the class remarks).</summary>
    /// <param name="noisy">rows × d noisy 0/1 images.</param>
    /// <param name="rows">Number of images.</param>
    /// <returns>rows × d probabilities.</returns>
    internal float[] Denoise(ReadOnlySpan<float> noisy, int rows)
    {
        int n0 = _model.LayerSize(0);
        CheckSizes(noisy.Length, noisy.Length, rows);
        var rates = AllocateRates(rows, out var input);
        noisy.CopyTo(rates[0]);
        if (rows == 0) return rates[0];
        MeanFieldSweep.Initialise(_model, rates, rows, input);
        var all = new bool[rows * n0];
        Array.Fill(all, true);
        for (int t = 0; t < _options.DenoisingSweeps; t++) Sweep(rates, all, rows, input);
        return rates[0];
    }

    /// <summary>
    /// Gibbs-average in-filling: clamps the pixels where <paramref name="known"/> is true and returns, for the
    /// others, the average conditional probability along the chain after burn-in.
    /// </summary>
    /// <param name="values">rows × d values; those at unknown positions are ignored.</param>
    /// <param name="known">rows × d flags.</param>
    /// <param name="rows">Number of images.</param>
    /// <param name="firstRow">Global index of the first row (keys its random stream).</param>
    /// <returns>rows × d probabilities; known pixels are their value.</returns>
    internal float[] GibbsAverage(ReadOnlySpan<float> values, ReadOnlySpan<bool> known, int rows, long firstRow = 0) =>
        GibbsAverage(values, known, rows, firstRow, noisyStart: false);

    /// <summary>
    /// The mean-field in-filling state of every layer (element l is rows × n_l) after <paramref name="sweeps"/> sweeps,
    /// for tests of the fixed point.
    /// </summary>
    internal float[][] InferMissingStates(ReadOnlySpan<float> values, ReadOnlySpan<bool> known, int rows, int sweeps)
    {
        CheckSizes(values.Length, known.Length, rows);
        var rates = AllocateRates(rows, out var input);
        StartVisible(values, known, rows, rates[0]);
        if (rows == 0) return rates;
        var free = Negate(known);
        MeanFieldSweep.Initialise(_model, rates, rows, input);
        for (int t = 0; t < sweeps; t++) Sweep(rates, free, rows, input);
        return rates;
    }

    /// <summary>One mean-field sweep: the free visible units, then hidden layers 1…L.</summary>
    private void Sweep(float[][] rates, bool[] free, int rows, float[] input)
    {
        UpdateVisible(rates, free, rows, input);
        for (int l = 1; l < _model.LayerCount; l++)
            MeanFieldSweep.UpdateLayer(_model, rates, l, rows, _options.Damping, input);
    }

    /// <summary>Sets the free visible rates to σ(u_0) (damped with visible laterals); clamped entries are not written.</summary>
    private void UpdateVisible(float[][] rates, bool[] free, int rows, float[] input)
    {
        int n0 = _model.LayerSize(0);
        var u = input.AsSpan(0, rows * n0);
        u.Clear();
        LocalFields.AddInputs(_model, rates, 0, u, rows);
        var v = rates[0];
        if (_model.Architecture.HasGaussianVisible)
        {
            // The mean-field value of a Gaussian unit is its conditional mean b + input (vpf-math.md §9).
            var b = _model.Biases(0);
            for (int i = 0; i < rows * n0; i++) u[i] += b[i % n0];
        }
        else if (_model.Lateral(0) is null)
            LayerConditional.Rates(_model, 0, u, _model.Biases(0), u, rows);
        else
        {
            // The damped step works in place on its rates: give it a copy of the current ones, in u's place.
            var next = new float[rows * n0];
            v.AsSpan(0, rows * n0).CopyTo(next);
            LayerConditional.DampedRates(_model, 0, u, _model.Biases(0), next, rows, _options.Damping);
            next.CopyTo(u);
        }
        for (int i = 0; i < rows * n0; i++)
            if (free[i]) v[i] = u[i];
    }

    private float[] GibbsAverage(ReadOnlySpan<float> values, ReadOnlySpan<bool> known, int rows, long firstRow, bool noisyStart)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        CheckSizes(values.Length, known.Length, rows);
        int layers = _model.LayerCount, n0 = _model.LayerSize(0);
        var rates = AllocateRates(rows, out var input);
        if (noisyStart) values.CopyTo(rates[0]);
        else StartVisible(values, known, rows, rates[0]);
        if (rows == 0) return rates[0];
        var free = Negate(known);
        MeanFieldSweep.Initialise(_model, rates, rows, input);

        // The chain state: samples of the initial rates (a clamped 0/1 value samples to itself, since U ∈ [0, 1)).
        var states = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            states[l] = new float[rates[l].Length];
            // A Gaussian visible chain starts at the values themselves (known ones clamped, unknown ones at their start).
            if (l == 0 && _model.Architecture.HasGaussianVisible) rates[0].CopyTo(states[0], 0);
            else SampleRows(rates[l], states[l], _model.LayerSize(l), rows, firstRow, sweep: 0, l, free: null);
        }
        var sum = new double[rows * n0];
        var probabilities = new float[rows * n0];
        var gibbs = new LayerGibbs(_model, rows);
        var keys = new ulong[rows];
        var fixedVisible = known.ToArray();
        int total = _options.GibbsBurnIn + _options.GibbsSamples;
        for (int t = 1; t <= total; t++)
        {
            bool record = t > _options.GibbsBurnIn;
            for (int l = 1; l < layers; l++) SampleLayer(gibbs, states, l, rows, firstRow, t, probabilities, null, keys);
            SampleLayer(gibbs, states, 0, rows, firstRow, t, probabilities, fixedVisible, keys);
            if (record)
                for (int i = 0; i < sum.Length; i++) sum[i] += probabilities[i];
        }
        var result = rates[0];
        for (int i = 0; i < result.Length; i++)
            if (free[i]) result[i] = (float)(sum[i] / _options.GibbsSamples);
        return result;
    }

    /// <summary>
    /// Samples layer <paramref name="layer"/> given its neighbours through the shared <see cref="LayerGibbs"/>
    /// conditional, one stream per image; only free visible units change (all units when <paramref name="fixedVisible"/>
    /// is null). The conditional probability of each visible unit is left in <paramref name="probabilities"/>.
    /// </summary>
    private void SampleLayer(LayerGibbs gibbs, float[][] states, int layer, int rows, long firstRow, int sweep, float[] probabilities, bool[]? fixedVisible, ulong[] keys)
    {
        for (int r = 0; r < rows; r++) keys[r] = Key(firstRow + r, sweep, layer);
        gibbs.Update(states, layer, 1f, null, 0, layer == 0 ? fixedVisible : null, null, layer == 0 ? probabilities : null, keys);
    }

    /// <summary>Bernoulli samples of <paramref name="p"/> into <paramref name="x"/>, row by row, only where free (all when null).</summary>
    private void SampleRows(ReadOnlySpan<float> p, float[] x, int n, int rows, long firstRow, int sweep, int layer, bool[]? free)
    {
        Span<float> spikes = n <= 4096 ? stackalloc float[n] : new float[n];
        for (int r = 0; r < rows; r++)
        {
            Bernoulli.Sample(p.Slice(r * n, n), spikes, Key(firstRow + r, sweep, layer));
            var xr = x.AsSpan(r * n, n);
            if (free is null) spikes.CopyTo(xr);
            else
                for (int k = 0; k < n; k++)
                    if (free[r * n + k]) xr[k] = spikes[k];
        }
    }

    private ulong Key(long row, int sweep, int layer) =>
        CounterRandom.StreamKey((ulong)(uint)_options.Seed, (ulong)row, (ulong)sweep * (ulong)_model.LayerCount + (ulong)layer);

    /// <summary>Known pixels as given, unknown ones at the configured start.</summary>
    private void StartVisible(ReadOnlySpan<float> values, ReadOnlySpan<bool> known, int rows, float[] v)
    {
        int n0 = _model.LayerSize(0);
        float middle = _model.Architecture.HasGaussianVisible ? 0f : 0.5f;
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < n0; k++)
            {
                int i = r * n0 + k;
                v[i] = known[i] ? values[i] : _options.UnknownStart == UnknownPixelStart.Marginals ? _marginals![k] : middle;
            }
    }

    private float[][] AllocateRates(int rows, out float[] input)
    {
        var rates = new float[_model.LayerCount][];
        int widest = 0;
        for (int l = 0; l < _model.LayerCount; l++)
        {
            rates[l] = new float[rows * _model.LayerSize(l)];
            widest = Math.Max(widest, _model.LayerSize(l));
        }
        input = new float[rows * widest];
        return rates;
    }

    private static bool[] Negate(ReadOnlySpan<bool> known)
    {
        var free = new bool[known.Length];
        for (int i = 0; i < free.Length; i++) free[i] = !known[i];
        return free;
    }

    private void CheckSizes(int values, int known, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        long expected = (long)rows * _model.LayerSize(0);
        if (values != expected)
            throw new ArgumentException($"Expected {rows} rows of {_model.LayerSize(0)} visible units ({expected} values); got {values}.", "values");
        if (known != expected)
            throw new ArgumentException($"Expected {expected} known-flags (one per value); got {known}.", "known");
    }

    private void CheckWidth(int dimension)
    {
        if (dimension != _model.LayerSize(0))
            throw new ArgumentException($"The model has {_model.LayerSize(0)} visible units but the images have {dimension} pixels.", "batch");
    }
}
