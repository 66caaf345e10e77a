using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>The result of <see cref="RbmFlipFlow.Evaluate"/>: the flow K averaged over the batch and how many exponents were clamped.</summary>
/// <param name="MeanFlow">K = mean over rows of Σ_k exp(½ (F(v) − F(v with unit k flipped))).</param>
/// <param name="ClampCount">Number of (row, unit) exponents that hit the limit.</param>
internal readonly record struct RbmFlipFlowResult(double MeanFlow, long ClampCount);

/// <summary>
/// Minimum probability flow of an RBM to its single-visible-flip neighbours, with the hidden units summed out through the
/// free energy F(v) = −bᵀv − Σ_j softplus(c_j + (vW)_j), and its gradient, in single precision.
/// </summary>
/// <remarks>
/// <para>
/// With z = c + vW, s_k = 1 − 2v_k and σ^± = σ(±z), the exponent of unit k is ½[s_k b_k + Σ_j ln f_kj] with
/// f_kj = σ⁻_j + σ⁺_j e^{s_k W_kj} = exp(softplus(z_j + s_k W_kj) − softplus(z_j)): a sum of two positive terms, so no
/// cancellation. The tables e^{±W} depend only on the weights and are built once per call, so the (rows × visible ×
/// hidden) work is one multiply-add per factor and a running product; the products are rescaled by exact powers of two
/// every few factors (often enough that no partial product can leave the float range), and each (row, unit) takes one
/// logarithm. With e_k the flow term and S_kj = σ⁺_j e^{s_k W_kj} / f_kj = σ(z_j + s_k W_kj), the gradient is
/// ∂K/∂b_k = ½ s_k e_k, ∂K/∂c_j = ½ g_j and ∂K/∂W_kj = ½ (v_k g_j + e_k s_k S_kj), with
/// g_j = Σ_k e_k S_kj − σ⁺_j Σ_k e_k, all averaged over rows; the v_k g_j part is one matrix product.
/// </para>
/// <para>
/// Work is split into fixed blocks of visible units; each block owns its weight-gradient rows and its own partial g,
/// and the partials are summed in block order, so results do not depend on the thread count. Vector widths group the
/// products differently, so the 256-bit, 128-bit and scalar paths agree to rounding, not bit for bit. Weights are
/// clamped to ±<see cref="WeightLimit"/> inside the tables. Visible states are binary (a value ≥ ½ counts as on).
/// </para>
/// </remarks>
internal sealed unsafe class RbmFlipFlow
{
    /// <summary>|W| beyond this is clamped in the exponential tables (e^{80} is still a finite float).</summary>
    public const float WeightLimit = 80f;

    /// <summary>Visible units per block: the unit of threading and of the partial sums.</summary>
    private const int BlockSize = 32;

    /// <summary>Hidden rows are padded to a multiple of this (four vectors of the widest path) with neutral factors.</summary>
    private const int Padding = 32;

    private float[] _up = [], _down = [], _sigmaPlus = [], _sigmaMinus = [], _field = [], _partialG = [], _factors = [], _weightTerm = [], _plus = [], _negatedBias = [];
    private double[] _blockFlow = [], _rowFlow = [], _visibleBiasTerm = [];
    private long[] _blockClamps = [];

    /// <summary>
    /// Computes K and writes its gradient (overwriting the three gradient spans) for <paramref name="rows"/> binary
    /// visible rows of an RBM with weights n_v × n_h (row-major) and the given biases.
    /// </summary>
    /// <param name="visible">rows × n_v states of 0/1.</param>
    /// <param name="rows">Batch size, at least 1.</param>
    /// <param name="weights">n_v × n_h.</param>
    /// <param name="visibleBias">b, n_v.</param>
    /// <param name="hiddenBias">c, n_h.</param>
    /// <param name="weightGradient">Receives ∂K/∂W, n_v × n_h.</param>
    /// <param name="visibleBiasGradient">Receives ∂K/∂b.</param>
    /// <param name="hiddenBiasGradient">Receives ∂K/∂c.</param>
    /// <param name="exponentLimit">Each exponent is clamped to ±this before exponentiation (and counted).</param>
    public RbmFlipFlowResult Evaluate(ReadOnlySpan<float> visible, int rows, ReadOnlySpan<float> weights, ReadOnlySpan<float> visibleBias,
        ReadOnlySpan<float> hiddenBias, Span<float> weightGradient, Span<float> visibleBiasGradient, Span<float> hiddenBiasGradient,
        double exponentLimit)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "The batch must have at least one row.");
        if (!(exponentLimit > 0)) throw new ArgumentOutOfRangeException(nameof(exponentLimit), exponentLimit, "The exponent limit must be positive.");
        int nv = visibleBias.Length, nh = hiddenBias.Length;
        int weightCount = Validate.Product(nv, nh, "n_v × n_h");
        Validate.Length(visible.Length, (long)rows * nv, nameof(visible), $"rows × n_v = {rows} × {nv}");
        Validate.Length(weights.Length, weightCount, nameof(weights), $"n_v × n_h = {nv} × {nh}");
        Validate.Length(weightGradient.Length, weightCount, nameof(weightGradient), $"n_v × n_h = {nv} × {nh}");
        Validate.Length(visibleBiasGradient.Length, nv, nameof(visibleBiasGradient), "n_v");
        Validate.Length(hiddenBiasGradient.Length, nh, nameof(hiddenBiasGradient), "n_h");
        int stride = (nh + Padding - 1) / Padding * Padding;
        int blocks = (nv + BlockSize - 1) / BlockSize;
        Prepare(rows, nv, nh, stride, blocks);

        // σ(±z) per row, padded with σ⁺ = 0 and σ⁻ = 1 so that padded factors are exactly 1 and add nothing.
        var field = _field.AsSpan(0, rows * nh);
        MatrixProduct.Multiply(visible[..(rows * nv)], weights, field, rows, nv, nh);
        var negatedBias = _negatedBias.AsSpan(0, nh);
        for (int j = 0; j < nh; j++) negatedBias[j] = -hiddenBias[j];
        var plus = _plus.AsSpan(0, rows * nh);
        FieldActivation.Sigmoid(field, hiddenBias, plus, rows);
        FieldActivation.Sigmoid(field, negatedBias, field, rows, -1f);
        for (int r = 0; r < rows; r++)
        {
            plus.Slice(r * nh, nh).CopyTo(_sigmaPlus.AsSpan(r * stride, nh));
            _sigmaPlus.AsSpan(r * stride + nh, stride - nh).Clear();
            field.Slice(r * nh, nh).CopyTo(_sigmaMinus.AsSpan(r * stride, nh));
            _sigmaMinus.AsSpan(r * stride + nh, stride - nh).Fill(1f);
        }

        fixed (float* pv = visible, pw = weights, pb = visibleBias, pup = _up, pdown = _down, psp = _sigmaPlus, psm = _sigmaMinus,
               pg = _partialG, pf = _factors, pt = _weightTerm)
        fixed (double* pflow = _blockFlow, prow = _rowFlow, pvb = _visibleBiasTerm)
        fixed (long* pclamp = _blockClamps)
        {
            var body = new Block
            {
                Visible = pv, Weights = pw, VisibleBias = pb, Up = pup, Down = pdown, SigmaPlus = psp, SigmaMinus = psm,
                PartialG = pg, Factors = pf, WeightTerm = pt, BlockFlow = pflow, RowFlow = prow, VisibleBiasTerm = pvb,
                BlockClamps = pclamp, Rows = rows, Nv = nv, Nh = nh, Stride = stride, Limit = exponentLimit, Width = VectorPath.Current,
            };
            int threads = Math.Min(KernelSettings.MaxThreads, blocks);
            if (threads <= 1 || (long)rows * nv * stride < 1 << 18)
                for (int c = 0; c < blocks; c++) body.Run(c);
            else
                // Blocks are taken dynamically: which thread runs a block does not change its arithmetic.
                Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c => body.Run(c));
        }

        // Sum the blocks in order: g = Σ_k e_k S_kj − σ⁺_j Σ_k e_k per row.
        double flow = 0;
        long clamps = 0;
        for (int c = 0; c < blocks; c++) { flow += _blockFlow[c]; clamps += _blockClamps[c]; }
        var g = _field.AsSpan(0, rows * nh);
        int perBlock = rows * stride;
        for (int r = 0; r < rows; r++)
        {
            double rowFlow = 0;
            for (int c = 0; c < blocks; c++) rowFlow += _rowFlow[c * rows + r];
            var gr = g.Slice(r * nh, nh);
            _partialG.AsSpan(r * stride, nh).CopyTo(gr);
            for (int c = 1; c < blocks; c++)
            {
                var part = _partialG.AsSpan(c * perBlock + r * stride, nh);
                for (int j = 0; j < nh; j++) gr[j] += part[j];
            }
            float e = (float)rowFlow;
            var sp = _sigmaPlus.AsSpan(r * stride, nh);
            for (int j = 0; j < nh; j++) gr[j] -= sp[j] * e;
        }

        float scale = 1f / rows;
        for (int k = 0; k < nv; k++)
        {
            visibleBiasGradient[k] = (float)(_visibleBiasTerm[k] / rows);
            _weightTerm.AsSpan(k * stride, nh).CopyTo(weightGradient.Slice(k * nh, nh));
        }
        MatrixProduct.AccumulateTransposedProduct(visible[..(rows * nv)], g, weightGradient, nv, rows, nh, 0.5f);
        var gw = weightGradient[..weightCount];
        for (int i = 0; i < gw.Length; i++) gw[i] *= scale;
        hiddenBiasGradient[..nh].Clear();
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < nh; j++) hiddenBiasGradient[j] += g[r * nh + j];
        for (int j = 0; j < nh; j++) hiddenBiasGradient[j] *= 0.5f * scale;
        return new RbmFlipFlowResult(flow / rows, clamps);
    }

    private void Prepare(int rows, int nv, int nh, int stride, int blocks)
    {
        static void Ensure<T>(ref T[] a, long n)
        {
            if (a.Length < n) a = new T[checked((int)n)];
        }
        Ensure(ref _up, (long)nv * stride);
        Ensure(ref _down, (long)nv * stride);
        Ensure(ref _weightTerm, (long)nv * stride);
        Ensure(ref _sigmaPlus, (long)rows * stride);
        Ensure(ref _sigmaMinus, (long)rows * stride);
        Ensure(ref _field, (long)rows * nh);
        Ensure(ref _plus, (long)rows * nh);
        Ensure(ref _negatedBias, nh);
        Ensure(ref _partialG, (long)blocks * rows * stride);
        Ensure(ref _factors, (long)blocks * stride);
        Ensure(ref _blockFlow, blocks);
        Ensure(ref _blockClamps, blocks);
        Ensure(ref _rowFlow, (long)blocks * rows);
        Ensure(ref _visibleBiasTerm, nv);
    }

    /// <summary>One block of visible units over every row.</summary>
    private struct Block
    {
        public float* Visible, Weights, VisibleBias, Up, Down, SigmaPlus, SigmaMinus, PartialG, Factors, WeightTerm;
        public double* BlockFlow, RowFlow, VisibleBiasTerm;
        public long* BlockClamps;
        public int Rows, Nv, Nh, Stride, Width;
        public double Limit;

        public readonly void Run(int block)
        {
            if (Width >= 256) Run<Vector256<float>, Lanes256>(block);
            else if (Width >= 128) Run<Vector128<float>, Lanes128>(block);
            else Run<float, Lanes1>(block);
        }

        private readonly void Run<TVec, TLanes>(int block) where TVec : unmanaged where TLanes : struct, ILanes<TVec>
        {
            int first = block * BlockSize, end = Math.Min(Nv, first + BlockSize), stride = Stride, rows = Rows;
            float* g = PartialG + (long)block * rows * stride;
            float* f = Factors + (long)block * stride;
            new Span<float>(g, rows * stride).Clear();

            // Tables e^{±W} of this block's rows (padding: W = 0), and the largest |W| for the rescaling interval.
            float largest = 0;
            for (int k = first; k < end; k++)
            {
                float* up = Up + (long)k * stride, down = Down + (long)k * stride, w = Weights + (long)k * Nh;
                for (int j = 0; j < Nh; j++)
                {
                    float x = Math.Clamp(w[j], -WeightLimit, WeightLimit);
                    largest = MathF.Max(largest, MathF.Abs(x));
                    up[j] = x;
                    down[j] = -x;
                }
                for (int j = Nh; j < stride; j++) up[j] = down[j] = 0f;
                for (int j = 0; j < stride; j += TLanes.Count)
                {
                    TLanes.Store(TLanes.Exp(TLanes.Load(up + j)), up + j);
                    TLanes.Store(TLanes.Exp(TLanes.Load(down + j)), down + j);
                }
                new Span<float>(WeightTerm + (long)k * stride, stride).Clear();
                VisibleBiasTerm[k] = 0;
            }
            // A partial product starts in [1, 2) and each factor lies between e^{−|W|} and e^{|W|}: after `interval`
            // factors it stays within e^{±86}, inside the normal float range.
            int interval = largest > 0 ? Math.Clamp((int)(86f / largest), 1, 64) : 64;

            double blockFlow = 0;
            long clamps = 0;
            int step = 4 * TLanes.Count;
            for (int r = 0; r < rows; r++)
            {
                float* sp = SigmaPlus + (long)r * stride, sm = SigmaMinus + (long)r * stride, gr = g + (long)r * stride;
                double rowFlow = 0;
                for (int k = first; k < end; k++)
                {
                    bool on = Visible[(long)r * Nv + k] >= 0.5f;
                    float* table = on ? Down + (long)k * stride : Up + (long)k * stride;

                    // Pass 1: f_j = σ⁻_j + σ⁺_j T_j and their product, four independent accumulators.
                    TVec one = TLanes.Broadcast(1f), zero = TLanes.Broadcast(0f);
                    TVec p0 = one, p1 = one, p2 = one, p3 = one, e0 = zero, e1 = zero, e2 = zero, e3 = zero;
                    int counter = 0;
                    for (int j = 0; j < stride; j += step)
                    {
                        TVec f0 = TLanes.Add(TLanes.Load(sm + j), TLanes.Multiply(TLanes.Load(sp + j), TLanes.Load(table + j)));
                        int j1 = j + TLanes.Count, j2 = j1 + TLanes.Count, j3 = j2 + TLanes.Count;
                        TVec f1 = TLanes.Add(TLanes.Load(sm + j1), TLanes.Multiply(TLanes.Load(sp + j1), TLanes.Load(table + j1)));
                        TVec f2 = TLanes.Add(TLanes.Load(sm + j2), TLanes.Multiply(TLanes.Load(sp + j2), TLanes.Load(table + j2)));
                        TVec f3 = TLanes.Add(TLanes.Load(sm + j3), TLanes.Multiply(TLanes.Load(sp + j3), TLanes.Load(table + j3)));
                        TLanes.Store(f0, f + j); TLanes.Store(f1, f + j1); TLanes.Store(f2, f + j2); TLanes.Store(f3, f + j3);
                        p0 = TLanes.Multiply(p0, f0); p1 = TLanes.Multiply(p1, f1);
                        p2 = TLanes.Multiply(p2, f2); p3 = TLanes.Multiply(p3, f3);
                        if (++counter == interval)
                        {
                            counter = 0;
                            p0 = TLanes.Normalise(p0, ref e0); p1 = TLanes.Normalise(p1, ref e1);
                            p2 = TLanes.Normalise(p2, ref e2); p3 = TLanes.Normalise(p3, ref e3);
                        }
                    }
                    p0 = TLanes.Normalise(p0, ref e0); p1 = TLanes.Normalise(p1, ref e1);
                    p2 = TLanes.Normalise(p2, ref e2); p3 = TLanes.Normalise(p3, ref e3);
                    // Mantissas in [1, 2): the three products stay below 16, then one more rescaling.
                    TVec exponents = TLanes.Add(TLanes.Add(e0, e1), TLanes.Add(e2, e3));
                    TVec product = TLanes.Normalise(TLanes.Multiply(TLanes.Multiply(p0, p1), TLanes.Multiply(p2, p3)), ref exponents);
                    double s = on ? -1 : 1;
                    double exponent = 0.5 * (s * VisibleBias[k] + TLanes.LogOfProduct(product, exponents));
                    if (exponent > Limit) { exponent = Limit; clamps++; }
                    else if (exponent < -Limit) { exponent = -Limit; clamps++; }
                    double e = Math.Exp(exponent);
                    rowFlow += e;
                    VisibleBiasTerm[k] += 0.5 * s * e;

                    // Pass 2: S_j = σ⁺_j T_j / f_j into g (weight e) and into this unit's weight-gradient row (weight ½ e s).
                    TVec a = TLanes.Broadcast((float)e), b = TLanes.Broadcast((float)(0.5 * s * e));
                    float* wt = WeightTerm + (long)k * stride;
                    for (int j = 0; j < stride; j += TLanes.Count)
                    {
                        TVec sj = TLanes.Divide(TLanes.Multiply(TLanes.Load(sp + j), TLanes.Load(table + j)), TLanes.Load(f + j));
                        TLanes.Store(TLanes.Add(TLanes.Load(gr + j), TLanes.Multiply(a, sj)), gr + j);
                        TLanes.Store(TLanes.Add(TLanes.Load(wt + j), TLanes.Multiply(b, sj)), wt + j);
                    }
                }
                RowFlow[(long)block * rows + r] = rowFlow;
                blockFlow += rowFlow;
            }
            BlockFlow[block] = blockFlow;
            BlockClamps[block] = clamps;
        }
    }
}
