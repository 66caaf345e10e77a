using Vpf.Core.Model;
using Vpf.Kernels;
using static Vpf.Kernels.ExpectedFlowKernels;

namespace Vpf.Core.Training;

/// <summary>
/// The <see cref="FlowEstimator.Expected"/> objective: the exact expectation of the binary flow under the factorised q,
/// in closed form (vpf-math.md §3.2):
/// E_q[φ_k] = A_k + B_k with A_k = μ_k e^{−b_k/2} Π_j (1 − μ_j + μ_j e^{−w_kj/2}) and
/// B_k = (1 − μ_k) e^{b_k/2} Π_j (1 − μ_j + μ_j e^{w_kj/2}) over the neighbours j of k (a clamped visible unit has μ = v).
/// </summary>
/// <remarks>
/// <para>
/// Products are accumulated in log space, in double (the naive log1p(μ(e^a − 1)) overflows once weights grow). The
/// gradient with μ held fixed follows from ∂ log(1 − μ + μ e^{±w/2}) / ∂w = ±½ ρ with
/// ρ = μ e^{±w/2} / (1 − μ + μ e^{±w/2}) ∈ [0, 1], so ∂E[φ_k]/∂w_kj = −½ A_k ρ⁻_kj + ½ B_k ρ⁺_kj and
/// ∂E[φ_k]/∂b_k = ½ (B_k − A_k). This is the research estimator and the oracle the mean of many sampled estimates must
/// converge to.
/// </para>
/// <para>
/// Evaluation: t = e^{w/2} and s = e^{−w/2} are tabulated once per call (with the transposes, so that every loop over
/// the neighbours of a unit is contiguous); a factor is then ν + μ t with ν = 1 − μ, factors are multiplied in blocks
/// small enough that the product stays in double's normal range and one logarithm is taken per block, and ρ is a
/// quotient. Neighbours in a row that is entirely clamped (μ ∈ {0, 1}, as the visible layer of a data batch) contribute
/// exactly ±½ Σ_{j: μ_j = 1} w_kj, a dot product. Work is split over units (pass 1) and over rows of the gradient
/// tensors (pass 2), each summed over the batch in row order by one thread, so K and the gradient do not depend on
/// <see cref="KernelSettings.MaxThreads"/>. Weights beyond |w| = 700, where e^{w/2} is no longer safely representable,
/// fall back to the scalar logaddexp form.
/// </para>
/// <para>
/// A Gaussian visible layer (vpf-math.md §9) is clamped at real values: its factor in a hidden unit's terms is exactly
/// e^{∓v_i w_ij/2} (the clamped-row dot product above), and its own terms are the expected score-matching terms
/// E_q[½ r_i² − 1] = ½ r̄_i² + ½ Σ_j w_ij² μ_j (1 − μ_j) − 1 with r̄ = v − b − W μ, whose gradient is −r̄_i for b_i and
/// −r̄_i μ_j + w_ij μ_j (1 − μ_j) for w_ij.
/// </para>
/// </remarks>
internal sealed class ExpectedFlow
{
    /// <summary>Largest |w|/2 of the tabulated path: a factor lies in [e^{−350}, e^{350}].</summary>
    private const double MaxHalfWeight = 350;

    /// <summary>
    /// Most steps (two factors per lane and side each) between two logarithms: the product's relative rounding error
    /// grows like 2·block ulps, 2·10⁻¹³ at most (an absolute error in log A).
    /// </summary>
    private const int MaxBlock = 1024;

    /// <summary>Units per pass-1 work item and gradient rows per pass-2 work item.</summary>
    private const int UnitsPerItem = 8, GradientRowsPerItem = 4;

    /// <summary>Calls with fewer (row × edge) pairs run on the calling thread.</summary>
    private const long MinParallelPairs = 1 << 15;

    private readonly DeepBoltzmannMachine _model;
    private readonly bool _gaussian;
    private readonly int _layers;
    private readonly int[] _sizes;
    private readonly int _widest;

    // Per weight matrix W_l (n_l × n_{l+1}): t and s as stored, and transposed (n_{l+1} × n_l), with W_lᵀ in float.
    private readonly double[][] _t, _s, _tT, _sT;
    private readonly float[][] _wT;

    // Per layer with laterals: t and s of L_l with a unit diagonal, and L_l with a zero diagonal.
    private readonly double[]?[] _tLat, _sLat;
    private readonly float[]?[] _wLat;

    // Work items: pass 1 (layer, first unit); pass 2 (tensor, first row) with tensor l < L − 1 meaning W_l and
    // L − 1 + l meaning L_l; tables (tensor, first row) likewise.
    private readonly (int Layer, int First)[] _unitItems;
    private readonly (int Tensor, int First)[] _rowItems;
    private readonly (int Tensor, int First)[] _transposeItems;

    // Per batch: rates, A and B in double (rows × n_l per layer) and whether a layer's row is entirely clamped.
    private double[][] _mu, _a, _b;
    private bool[][] _clamped;

    // Per batch, Gaussian visible layer: the mean residual r̄ = v − b − W μ_1 (rows × n_0).
    private double[] _residual = [];
    private int _capacityRows;

    // Per thread: accumulators for the gradient rows of one work item.
    private double[][] _accumulators = [];

    /// <summary>Creates the estimator for <paramref name="model"/>.</summary>
    public ExpectedFlow(DeepBoltzmannMachine model)
    {
        _model = model;
        _gaussian = model.Architecture.HasGaussianVisible;
        _layers = model.LayerCount;
        _sizes = new int[_layers];
        for (int l = 0; l < _layers; l++)
        {
            _sizes[l] = model.LayerSize(l);
            _widest = Math.Max(_widest, _sizes[l]);
        }

        int matrices = Math.Max(_layers - 1, 0);
        _t = new double[matrices][];
        _s = new double[matrices][];
        _tT = new double[matrices][];
        _sT = new double[matrices][];
        _wT = new float[matrices][];
        for (int l = 0; l < matrices; l++)
        {
            int size = _sizes[l] * _sizes[l + 1];
            _t[l] = new double[size];
            _s[l] = new double[size];
            _tT[l] = new double[size];
            _sT[l] = new double[size];
            _wT[l] = new float[size];
        }
        _tLat = new double[_layers][];
        _sLat = new double[_layers][];
        _wLat = new float[_layers][];
        for (int l = 0; l < _layers; l++)
            if (model.Lateral(l) is not null)
            {
                int size = _sizes[l] * _sizes[l];
                _tLat[l] = new double[size];
                _sLat[l] = new double[size];
                _wLat[l] = new float[size];
            }

        var units = new List<(int, int)>();
        for (int l = 0; l < _layers; l++)
            for (int k = 0; k < _sizes[l]; k += UnitsPerItem) units.Add((l, k));
        _unitItems = [.. units];
        var rowItems = new List<(int, int)>();
        var transposeItems = new List<(int, int)>();
        for (int l = 0; l < matrices; l++)
        {
            for (int k = 0; k < _sizes[l]; k += GradientRowsPerItem) rowItems.Add((l, k));
            for (int j = 0; j < _sizes[l + 1]; j += UnitsPerItem) transposeItems.Add((l, j));
        }
        for (int l = 0; l < _layers; l++)
            if (model.Lateral(l) is not null)
                for (int k = 0; k < _sizes[l]; k += GradientRowsPerItem) rowItems.Add((matrices + l, k));
        _rowItems = [.. rowItems];
        _transposeItems = [.. transposeItems];

        _mu = _a = _b = [];
        _clamped = [];
    }

    /// <summary>
    /// Computes the batch mean of Σ_k E_q[φ_k] for the factorised distributions with means <paramref name="rates"/>
    /// (rows × n_l per layer; binary entries are clamped units) and overwrites <paramref name="gradient"/> with its
    /// gradient, rates held fixed.
    /// </summary>
    public ObjectiveValue Compute(IReadOnlyList<float[]> rates, int rows, ParameterSet gradient)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Batch must have at least one row.");
        double maxHalf = MaxAbsWeight() * 0.5;
        if (!(maxHalf <= MaxHalfWeight))
        {
            if (_gaussian)
                throw new InvalidOptionsException("Architecture",
                    $"VPF's Expected estimator with Gaussian visible units needs weights within |w| ≤ {2 * MaxHalfWeight}; the largest is {2 * maxHalf}.");
            return ExpectedFlowScalar.Compute(_model, rates, rows, gradient);
        }
        // 2·block factors per product, each in [e^{−maxHalf}, e^{maxHalf}]: at most e^{±700}.
        int block = maxHalf * 2 * MaxBlock <= 2 * MaxHalfWeight ? MaxBlock : Math.Max(1, (int)(MaxHalfWeight / maxHalf));

        LoadRates(rates, rows);
        long pairs = rows * EdgeCount();
        bool parallel = pairs >= MinParallelPairs;

        // Tables: e^{±w/2} per edge, then the transposes.
        Run(_rowItems.Length, parallel, (item, _) => Tabulate(_rowItems[item]));
        Run(_transposeItems.Length, parallel, (item, _) => Transpose(_transposeItems[item]));

        // Pass 1: A and B of every (row, unit).
        Run(_unitItems.Length, parallel, (item, _) => UnitTerms(_unitItems[item], rows, block));

        // K in a fixed order, bias gradient per unit.
        double total = _gaussian ? GaussianVisibleTerms(rows, gradient.Biases[0]) : 0;
        for (int r = 0; r < rows; r++)
        {
            double flow = 0;
            for (int l = 0; l < _layers; l++)
            {
                int n = _sizes[l];
                var a = _a[l].AsSpan(r * n, n);
                var b = _b[l].AsSpan(r * n, n);
                for (int k = 0; k < n; k++) flow += a[k] + b[k];
            }
            total += flow;
        }
        double halfOverRows = 0.5 / rows;
        for (int l = _gaussian ? 1 : 0; l < _layers; l++)
        {
            int n = _sizes[l];
            var g = gradient.Biases[l];
            for (int k = 0; k < n; k++)
            {
                double sum = 0;
                for (int r = 0; r < rows; r++) sum += _b[l][r * n + k] - _a[l][r * n + k];
                g[k] = (float)(sum * halfOverRows);
            }
        }

        // Pass 2: every gradient row owned by one work item.
        EnsureAccumulators(parallel ? Math.Min(KernelSettings.MaxThreads, _rowItems.Length) : 1);
        Run(_rowItems.Length, parallel, (item, slot) => GradientRows(_rowItems[item], rows, gradient, _accumulators[slot]));
        return new ObjectiveValue(total / rows, 0);
    }

    private double MaxAbsWeight()
    {
        float max = 0;
        for (int l = 0; l < _layers - 1; l++) max = Math.Max(max, MaxAbs(_model.Weights(l)));
        for (int l = 0; l < _layers; l++)
            if (_model.Lateral(l) is { } lat) max = Math.Max(max, MaxAbs(lat));
        return max;

        static float MaxAbs(float[] values)
        {
            float m = 0;
            foreach (float v in values)
            {
                float a = Math.Abs(v);
                if (!(a <= m)) m = a; // NaN propagates: it fails the caller's range check.
            }
            return m;
        }
    }

    private long EdgeCount()
    {
        long edges = 0;
        for (int l = 0; l + 1 < _layers; l++) edges += (long)_sizes[l] * _sizes[l + 1];
        for (int l = 0; l < _layers; l++)
            if (_tLat[l] is not null) edges += (long)_sizes[l] * (_sizes[l] - 1) / 2;
        return edges;
    }

    private void LoadRates(IReadOnlyList<float[]> rates, int rows)
    {
        if (rows > _capacityRows)
        {
            _mu = new double[_layers][];
            _a = new double[_layers][];
            _b = new double[_layers][];
            _clamped = new bool[_layers][];
            for (int l = 0; l < _layers; l++)
            {
                _mu[l] = new double[rows * _sizes[l]];
                _a[l] = new double[rows * _sizes[l]];
                _b[l] = new double[rows * _sizes[l]];
                _clamped[l] = new bool[rows];
            }
            _residual = _gaussian ? new double[rows * _sizes[0]] : [];
            _capacityRows = rows;
        }
        for (int l = 0; l < _layers; l++)
        {
            int n = _sizes[l];
            var source = rates[l];
            var mu = _mu[l];
            for (int r = 0; r < rows; r++)
            {
                bool clamped = true;
                for (int k = r * n; k < (r + 1) * n; k++)
                {
                    float x = source[k];
                    mu[k] = x;
                    clamped &= x == 0f || x == 1f;
                }
                // A Gaussian visible row is clamped at real values: its factors are exactly e^{∓v w/2}.
                _clamped[l][r] = clamped || (l == 0 && _gaussian);
            }
        }
    }

    private void EnsureAccumulators(int slots)
    {
        if (_accumulators.Length >= slots) return;
        var grown = new double[slots][];
        for (int i = 0; i < slots; i++) grown[i] = i < _accumulators.Length ? _accumulators[i] : new double[GradientRowsPerItem * _widest];
        _accumulators = grown;
    }

    /// <summary>Runs items 0..count−1, on up to MaxThreads threads taking items in turn; slot identifies the thread.</summary>
    private static void Run(int count, bool parallel, Action<int, int> body)
    {
        int threads = parallel ? Math.Min(KernelSettings.MaxThreads, count) : 1;
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++) body(i, 0);
            return;
        }
        int next = -1;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, slot =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count) body(i, slot);
        });
    }

    /// <summary>t = e^{w/2}, s = e^{−w/2} for a block of rows of W_l (tensor l) or L_l (with a unit diagonal).</summary>
    private void Tabulate((int Tensor, int First) item)
    {
        int matrices = _layers - 1;
        if (item.Tensor < matrices)
        {
            int l = item.Tensor, m = _sizes[l + 1];
            int first = item.First, end = Math.Min(first + GradientRowsPerItem, _sizes[l]);
            var w = _model.Weights(l).AsSpan(first * m, (end - first) * m);
            HalfExponentials(w, _t[l].AsSpan(first * m, w.Length), _s[l].AsSpan(first * m, w.Length));
        }
        else
        {
            int l = item.Tensor - matrices, n = _sizes[l];
            int first = item.First, end = Math.Min(first + GradientRowsPerItem, n);
            var lat = _model.Lateral(l)!;
            var t = _tLat[l]!;
            var s = _sLat[l]!;
            var wl = _wLat[l]!;
            HalfExponentials(lat.AsSpan(first * n, (end - first) * n), t.AsSpan(first * n, (end - first) * n), s.AsSpan(first * n, (end - first) * n));
            lat.AsSpan(first * n, (end - first) * n).CopyTo(wl.AsSpan(first * n));
            for (int k = first; k < end; k++)
            {
                t[k * n + k] = s[k * n + k] = 1;
                wl[k * n + k] = 0;
            }
        }
    }

    /// <summary>Rows [first, first + UnitsPerItem) of the transposes of t, s and W_l.</summary>
    private void Transpose((int Tensor, int First) item)
    {
        int l = item.Tensor, n = _sizes[l], m = _sizes[l + 1];
        int first = item.First, end = Math.Min(first + UnitsPerItem, m);
        var t = _t[l];
        var s = _s[l];
        var w = _model.Weights(l);
        var tT = _tT[l];
        var sT = _sT[l];
        var wT = _wT[l];
        for (int k = 0; k < n; k++)
        {
            int source = k * m;
            for (int j = first; j < end; j++)
            {
                tT[j * n + k] = t[source + j];
                sT[j * n + k] = s[source + j];
                wT[j * n + k] = w[source + j];
            }
        }
    }

    /// <summary>Pass 1 for units [first, first + UnitsPerItem) of a layer: A and B for every row.</summary>
    private void UnitTerms((int Layer, int First) item, int rows, int block)
    {
        int l = item.Layer, n = _sizes[l];
        int end = Math.Min(item.First + UnitsPerItem, n);
        if (l == 0 && _gaussian)
        {
            // No flips: the visible terms are the score-matching ones (GaussianVisibleTerms).
            for (int r = 0; r < rows; r++)
                for (int k = item.First; k < end; k++) _a[0][r * n + k] = _b[0][r * n + k] = 0;
            return;
        }
        var bias = _model.Biases(l);
        int below = l > 0 ? _sizes[l - 1] : 0, above = l + 1 < _layers ? _sizes[l + 1] : 0;
        // Rows outer: a neighbour row of rates serves every unit of the item while it is in L1.
        for (int r = 0; r < rows; r++)
            for (int k = item.First; k < end; k++)
            {
                double mu = _mu[l][r * n + k];
                double logA = Math.Log(mu) - 0.5 * bias[k];
                double logB = Math.Log(1.0 - mu) + 0.5 * bias[k];
                if (l > 0)
                    AddFactors(ref logA, ref logB, l - 1, r, block,
                        _tT[l - 1].AsSpan(k * below, below), _sT[l - 1].AsSpan(k * below, below), _wT[l - 1].AsSpan(k * below, below));
                if (l + 1 < _layers)
                    AddFactors(ref logA, ref logB, l + 1, r, block,
                        _t[l].AsSpan(k * above, above), _s[l].AsSpan(k * above, above), _model.Weights(l).AsSpan(k * above, above));
                if (_tLat[l] is { } tLat)
                    AddFactors(ref logA, ref logB, l, r, block,
                        tLat.AsSpan(k * n, n), _sLat[l]!.AsSpan(k * n, n), _wLat[l]!.AsSpan(k * n, n));
                _a[l][r * n + k] = Math.Exp(logA);
                _b[l][r * n + k] = Math.Exp(logB);
            }
    }

    /// <summary>
    /// Adds Σ_j log(1 − μ_j + μ_j e^{∓w_j/2}) over the neighbours in layer <paramref name="source"/>, row r, to log A
    /// (upper sign) and log B (lower sign); exactly ∓½ Σ μ_j w_j when the row is clamped.
    /// </summary>
    private void AddFactors(ref double logA, ref double logB, int source, int r, int block,
        ReadOnlySpan<double> t, ReadOnlySpan<double> s, ReadOnlySpan<float> w)
    {
        int n = _sizes[source];
        var mu = _mu[source].AsSpan(r * n, n);
        if (_clamped[source][r])
        {
            double half = 0.5 * Dot(mu, w);
            logA -= half;
            logB += half;
        }
        else
        {
            LogProducts(mu, t, s, block, out double logT, out double logS);
            logB += logT;
            logA += logS;
        }
    }

    /// <summary>
    /// Pass 2 for a block of rows k of W_l or of L_l (upper triangle, mirrored): Σ over the batch in row order, rows
    /// outer so that a row of neighbour rates, A and B serves every k of the block while it is in cache.
    /// </summary>
    private void GradientRows((int Tensor, int First) item, int rows, ParameterSet gradient, double[] accumulators)
    {
        int matrices = _layers - 1;
        bool lateral = item.Tensor >= matrices;
        if (!lateral && item.Tensor == 0 && _gaussian)
        {
            GaussianVisibleRows(item.First, rows, gradient.Weights[0], accumulators);
            return;
        }
        int l = lateral ? item.Tensor - matrices : item.Tensor;
        int n = _sizes[l];
        int upper = lateral ? l : l + 1, m = _sizes[upper];
        var t = lateral ? _tLat[l]! : _t[l];
        var s = lateral ? _sLat[l]! : _s[l];
        var g = lateral ? gradient.Laterals[l]! : gradient.Weights[l];
        int first = item.First, end = Math.Min(first + GradientRowsPerItem, n);
        // Neighbours j ∈ [From(k), m): all of layer l + 1, or j > k within the layer; accumulators of k at (k − first)·m.
        int From(int k) => lateral ? k + 1 : 0;
        accumulators.AsSpan(0, (end - first) * m).Clear();
        for (int r = 0; r < rows; r++)
        {
            bool clampedJ = _clamped[upper][r];
            for (int k = first; k < end; k++)
            {
                int from = From(k), width = m - from;
                if (width == 0) continue;
                var acc = accumulators.AsSpan((k - first) * m, width);
                var tk = t.AsSpan(k * m + from, width);
                var sk = s.AsSpan(k * m + from, width);
                double muK = _mu[l][r * n + k], aK = _a[l][r * n + k], bK = _b[l][r * n + k];
                var muJ = _mu[upper].AsSpan(r * m + from, width);
                var aJ = _a[upper].AsSpan(r * m + from, width);
                var bJ = _b[upper].AsSpan(r * m + from, width);
                bool clampedK = muK == 0 || muK == 1;
                if (!clampedJ && !clampedK)
                {
                    AddBoth(acc, muJ, aJ, bJ, tk, sk, aK, bK, muK);
                    continue;
                }
                if (clampedJ) AddOwnClamped(acc, muJ, bK - aK);
                else AddOwn(acc, muJ, tk, sk, aK, bK);
                if (!clampedK) AddNeighbours(acc, aJ, bJ, tk, sk, muK);
                else if (muK == 1) AddNeighboursActive(acc, aJ, bJ);
            }
        }
        double halfOverRows = 0.5 / rows;
        for (int k = first; k < end; k++)
        {
            int from = From(k), width = m - from;
            var acc = accumulators.AsSpan((k - first) * m, width);
            for (int j = 0; j < width; j++)
            {
                float d = (float)(acc[j] * halfOverRows);
                g[k * m + from + j] = d;
                if (lateral) g[(from + j) * m + k] = d;
            }
            if (lateral) g[k * m + k] = 0;
        }
    }

    /// <summary>
    /// The Gaussian visible layer's expected score-matching terms: fills r̄ = v − b − W μ_1 per row, writes ∂K/∂b_0 = −mean r̄
    /// into <paramref name="biasGradient"/> and returns Σ_rows Σ_i (½ r̄_i² − 1) + ½ Σ_j q_j μ_j (1 − μ_j), q_j = Σ_i w_ij².
    /// </summary>
    private double GaussianVisibleTerms(int rows, float[] biasGradient)
    {
        int n = _sizes[0], m = _sizes[1];
        var w = _model.Weights(0);
        var b = _model.Biases(0);
        var columnSquares = new double[m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++) columnSquares[j] += (double)w[i * m + j] * w[i * m + j];
        var sums = new double[n];
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            var mu = _mu[1].AsSpan(r * m, m);
            for (int j = 0; j < m; j++) total += 0.5 * columnSquares[j] * mu[j] * (1 - mu[j]);
            for (int i = 0; i < n; i++)
            {
                double mean = b[i];
                var row = w.AsSpan(i * m, m);
                for (int j = 0; j < m; j++) mean += row[j] * mu[j];
                double residual = _mu[0][r * n + i] - mean;
                _residual[r * n + i] = residual;
                sums[i] += residual;
                total += 0.5 * residual * residual - 1;
            }
        }
        for (int i = 0; i < n; i++) biasGradient[i] = (float)(-sums[i] / rows);
        return total;
    }

    /// <summary>
    /// Pass 2 for rows [first, first + GradientRowsPerItem) of W_0 under a Gaussian visible layer: per row of the batch,
    /// −r̄_i μ_j + w_ij μ_j (1 − μ_j) from the visible terms plus ½ v_i (B_j − A_j) from hidden unit j's expected flow.
    /// </summary>
    private void GaussianVisibleRows(int first, int rows, float[] gradient, double[] accumulators)
    {
        int n = _sizes[0], m = _sizes[1];
        int end = Math.Min(first + GradientRowsPerItem, n);
        var w = _model.Weights(0);
        accumulators.AsSpan(0, (end - first) * m).Clear();
        for (int r = 0; r < rows; r++)
        {
            var mu = _mu[1].AsSpan(r * m, m);
            var a = _a[1].AsSpan(r * m, m);
            var b = _b[1].AsSpan(r * m, m);
            for (int i = first; i < end; i++)
            {
                double v = _mu[0][r * n + i], residual = _residual[r * n + i];
                var acc = accumulators.AsSpan((i - first) * m, m);
                var row = w.AsSpan(i * m, m);
                for (int j = 0; j < m; j++)
                    acc[j] += -residual * mu[j] + row[j] * mu[j] * (1 - mu[j]) + 0.5 * v * (b[j] - a[j]);
            }
        }
        for (int i = first; i < end; i++)
            for (int j = 0; j < m; j++) gradient[i * m + j] = (float)(accumulators[(i - first) * m + j] / rows);
    }
}
