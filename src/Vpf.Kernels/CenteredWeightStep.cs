using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// The offsets and bias gradients that centre one weight matrix W_l (n × m: n units below, m above) and the two bias
/// shifts its step produces (vpf-math.md §8).
/// </summary>
internal readonly ref struct WeightCentering
{
    /// <summary>Bundles the operands; the lengths are checked by the step that uses them.</summary>
    public WeightCentering(ReadOnlySpan<float> rowOffsets, ReadOnlySpan<float> columnOffsets, ReadOnlySpan<float> rowBiasGradient,
        ReadOnlySpan<float> columnBiasGradient, Span<float> columnShift, Span<float> rowShift)
    {
        RowOffsets = rowOffsets;
        ColumnOffsets = columnOffsets;
        RowBiasGradient = rowBiasGradient;
        ColumnBiasGradient = columnBiasGradient;
        ColumnShift = columnShift;
        RowShift = rowShift;
    }

    /// <summary>a_l, n values.</summary>
    public ReadOnlySpan<float> RowOffsets { get; }

    /// <summary>a_{l+1}, m values.</summary>
    public ReadOnlySpan<float> ColumnOffsets { get; }

    /// <summary>g_{b_l}, n values.</summary>
    public ReadOnlySpan<float> RowBiasGradient { get; }

    /// <summary>g_{b_{l+1}}, m values.</summary>
    public ReadOnlySpan<float> ColumnBiasGradient { get; }

    /// <summary>Receives a_l ΔW_l (m values): the step's shift of the layer above's stored biases.</summary>
    public Span<float> ColumnShift { get; }

    /// <summary>Receives ΔW_l a_{l+1} (n values): the step's shift of this layer's stored biases.</summary>
    public Span<float> RowShift { get; }
}

/// <summary>
/// The optimiser's step of one weight matrix in centered coordinates, in one pass over it (vpf-math.md §8): each element's
/// gradient is centered on the fly, g_ij − (a_i g_{b,j} + g_{b,i} a_j), the rule steps θ_ij with it, and the change
/// Δ_ij = θ_new − θ_old is folded into the two bias shifts a_l ΔW and ΔW a_{l+1}ᵀ while it is still in a register.
/// </summary>
/// <remarks>
/// θ and the rule's state get the bits of the unfused path (centered gradient by
/// <see cref="CenteringKernels.SubtractOffsetOuterProducts"/>, then the rule) on every width and thread count. The shifts
/// are float sums in vector lanes, so their last bits depend on the width, and a large matrix's column shifts also on
/// <see cref="KernelSettings.MaxThreads"/> (its rows are split over threads, whose partial sums are added in thread
/// order); a float sum of n terms is within n·2⁻²⁴ times its terms' absolute sum of the exact one: for 784 rows, at
/// most 5·10⁻⁵ of the size of one step's shift.
/// </remarks>
internal static unsafe class CenteredWeightStep
{
    /// <summary>Adam (see <see cref="AdamUpdate.Step"/>) on the centered gradient of W, with the step's bias shifts.</summary>
    public static void Adam(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second, WeightCentering centering,
        float decay, float beta1, float beta2, float eta, float epsilon)
    {
        Check(theta, gradient, centering);
        Validate.Length(first.Length, theta.Length, nameof(first), "theta.Length");
        Validate.Length(second.Length, theta.Length, nameof(second), "theta.Length");
        fixed (float* pm = first, ps = second)
            Walk(theta, gradient, centering, new AdamRule(pm, ps, decay, beta1, beta2, eta, epsilon));
    }

    /// <summary>SGD with momentum (v ← μv + g + λθ, θ ← θ − ηv) on the centered gradient of W, with the step's bias shifts.</summary>
    public static void Momentum(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> velocity, WeightCentering centering,
        float decay, float momentum, float eta)
    {
        Check(theta, gradient, centering);
        Validate.Length(velocity.Length, theta.Length, nameof(velocity), "theta.Length");
        fixed (float* pv = velocity)
            Walk(theta, gradient, centering, new MomentumRule(pv, decay, momentum, eta));
    }

    private static void Check(Span<float> theta, ReadOnlySpan<float> gradient, WeightCentering c)
    {
        int n = c.RowOffsets.Length, m = c.ColumnOffsets.Length;
        string shape = $"RowOffsets.Length × ColumnOffsets.Length = {n} × {m}";
        if (theta.Length != (long)n * m)
            throw new ArgumentException($"'theta' must hold {(long)n * m} elements ({shape}) but has {theta.Length}.", nameof(theta));
        Validate.Length(gradient.Length, (long)n * m, nameof(gradient), shape);
        Validate.Length(c.RowBiasGradient.Length, n, nameof(c.RowBiasGradient), $"RowOffsets.Length = {n}");
        Validate.Length(c.ColumnBiasGradient.Length, m, nameof(c.ColumnBiasGradient), $"ColumnOffsets.Length = {m}");
        Validate.Length(c.RowShift.Length, n, nameof(c.RowShift), $"RowOffsets.Length = {n}");
        Validate.Length(c.ColumnShift.Length, m, nameof(c.ColumnShift), $"ColumnOffsets.Length = {m}");
    }

    /// <summary>
    /// Row by row (four at a time on 256 bits), in contiguous blocks of rows over the threads <see cref="DescentPass.Threads"/>
    /// grants. θ, the rule's state and the row shifts are per row, so their bits do not depend on the split; each thread
    /// sums its rows' column shifts into a buffer of its own, and the buffers are added in thread order at the end, so the
    /// column shifts are the same for a given thread count, and on one thread they are the row-order sums.
    /// </summary>
    private static void Walk<TRule>(Span<float> theta, ReadOnlySpan<float> gradient, WeightCentering c, TRule rule) where TRule : struct, IDescentRule
    {
        int n = c.RowOffsets.Length, m = c.ColumnOffsets.Length, width = VectorPath.Current;
        c.ColumnShift[..m].Clear();
        // Blocks of whole four-row groups, so that each runs the four-row path as the unsplit walk does.
        int threads = DescentPass.Threads((long)n * m, (n + 3) / 4);
        fixed (float* pt = theta, pg = gradient, a = c.RowOffsets, aUp = c.ColumnOffsets, gb = c.RowBiasGradient, gbUp = c.ColumnBiasGradient,
            columnShift = c.ColumnShift, rowShift = c.RowShift)
        {
            var pass = new Pass(pt, pg, a, aUp, gb, gbUp, rowShift, m, width);
            if (threads == 1)
            {
                pass.Rows(ref rule, 0, n, columnShift);
                return;
            }
            float[] scratch = ArrayPool<float>.Shared.Rent((threads - 1) * m);
            try
            {
                fixed (float* pScratch = scratch)
                {
                    float* others = pScratch, own = columnShift;
                    new Span<float>(others, (threads - 1) * m).Clear();
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                    {
                        TRule local = rule;
                        pass.Rows(ref local, DescentPass.BlockStart(n, 4, t, threads), DescentPass.BlockStart(n, 4, t + 1, threads),
                            t == 0 ? own : others + (nint)(t - 1) * m);
                    });
                    for (int t = 1; t < threads; t++)
                    {
                        float* part = others + (nint)(t - 1) * m;
                        for (int j = 0; j < m; j++) own[j] += part[j];
                    }
                }
            }
            finally { ArrayPool<float>.Shared.Return(scratch); }
        }
    }

    /// <summary>The pinned operands of one walk, shared by the threads (each brings its own rule copy and column buffer).</summary>
    private readonly struct Pass(float* theta, float* g, float* a, float* aUp, float* gb, float* gbUp, float* rowShift, int m, int width)
    {
        /// <summary>Rows [<paramref name="first"/>, <paramref name="end"/>), their column shifts added into <paramref name="columnShift"/>.</summary>
        public void Rows<TRule>(ref TRule rule, int first, int end, float* columnShift) where TRule : struct, IDescentRule
        {
            int i = first;
            if (width >= 256)
                for (; i <= end - 4; i += 4) FourRows(ref rule, theta, g, (nint)i * m, a + i, gb + i, gbUp, aUp, columnShift, rowShift + i, m);
            for (; i < end; i++) rowShift[i] = Row(ref rule, theta, g, (nint)i * m, a[i], gb[i], gbUp, aUp, columnShift, m, width);
        }
    }

    /// <summary>
    /// Rows i…i+3 on the 256-bit path, each column vector of the shift loaded and stored once for the four: the same sums
    /// in the same order as four calls of <see cref="Row"/> (the column shift adds rows in order, each row sums its lanes
    /// then its tail), so the bits do not depend on the blocking, only on the width.
    /// </summary>
    private static void FourRows<TRule>(ref TRule rule, float* theta, float* g, nint row, float* a, float* gb, float* gbUp, float* aUp,
        float* columnShift, float* rowShift, int m) where TRule : struct, IDescentRule
    {
        nint r0 = row, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m;
        Vector256<float> a0 = Vector256.Create(a[0]), a1 = Vector256.Create(a[1]), a2 = Vector256.Create(a[2]), a3 = Vector256.Create(a[3]);
        Vector256<float> b0 = Vector256.Create(gb[0]), b1 = Vector256.Create(gb[1]), b2 = Vector256.Create(gb[2]), b3 = Vector256.Create(gb[3]);
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int j = 0;
        for (; j <= m - Vector256<float>.Count; j += Vector256<float>.Count)
        {
            Vector256<float> aj = Vector256.Load(aUp + j), bj = Vector256.Load(gbUp + j), column = Vector256.Load(columnShift + j);
            Vector256<float> d = Element(ref rule, theta, g, r0 + j, a0, b0, bj, aj);
            column += a0 * d;
            s0 += d * aj;
            d = Element(ref rule, theta, g, r1 + j, a1, b1, bj, aj);
            column += a1 * d;
            s1 += d * aj;
            d = Element(ref rule, theta, g, r2 + j, a2, b2, bj, aj);
            column += a2 * d;
            s2 += d * aj;
            d = Element(ref rule, theta, g, r3 + j, a3, b3, bj, aj);
            column += a3 * d;
            s3 += d * aj;
            column.Store(columnShift + j);
        }
        float t0 = Vector256.Sum(s0), t1 = Vector256.Sum(s1), t2 = Vector256.Sum(s2), t3 = Vector256.Sum(s3);
        for (; j < m; j++)
        {
            t0 += ScalarElement(ref rule, theta, g, r0 + j, a[0], gb[0], gbUp[j], aUp[j], columnShift + j);
            t1 += ScalarElement(ref rule, theta, g, r1 + j, a[1], gb[1], gbUp[j], aUp[j], columnShift + j);
            t2 += ScalarElement(ref rule, theta, g, r2 + j, a[2], gb[2], gbUp[j], aUp[j], columnShift + j);
            t3 += ScalarElement(ref rule, theta, g, r3 + j, a[3], gb[3], gbUp[j], aUp[j], columnShift + j);
        }
        rowShift[0] = t0;
        rowShift[1] = t1;
        rowShift[2] = t2;
        rowShift[3] = t3;
    }

    /// <summary>Steps the eight elements at <paramref name="i"/> with their centered gradient and returns their change.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Element<TRule>(ref TRule rule, float* theta, float* g, nint i, Vector256<float> ai, Vector256<float> gbi,
        Vector256<float> gbj, Vector256<float> aj) where TRule : struct, IDescentRule
    {
        Vector256<float> before = Vector256.Load(theta + i);
        Vector256<float> after = rule.Step(before, SubtractOuterPairOperator.Invoke(Vector256.Load(g + i), ai, gbj, gbi, aj), i);
        after.Store(theta + i);
        return after - before;
    }

    /// <summary>Steps element i (row offset a_i, column offset a_j), adds a_i Δ to its column's shift and returns Δ a_j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarElement<TRule>(ref TRule rule, float* theta, float* g, nint i, float ai, float gbi, float gbj, float aj,
        float* columnShift) where TRule : struct, IDescentRule
    {
        float before = theta[i];
        float after = rule.Step(before, SubtractOuterPairOperator.Invoke(g[i], ai, gbj, gbi, aj), i);
        theta[i] = after;
        float d = after - before;
        *columnShift += ai * d;
        return d * aj;
    }

    /// <summary>
    /// One row i: steps θ_i·, adds a_i Δ_i· to the column shifts and returns Σ_j Δ_ij a_j. Vector body and a SCALAR
    /// tail: the column shifts and the rule's state are accumulated into, so an overlapping last vector would count the
    /// overlapped elements twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Row<TRule>(ref TRule rule, float* theta, float* g, nint row, float ai, float gbi, float* gbUp, float* aUp,
        float* columnShift, int m, int width) where TRule : struct, IDescentRule
    {
        float* t = theta + row, gr = g + row;
        int j = 0;
        float rowSum = 0;
        if (width >= 256)
        {
            Vector256<float> va = Vector256.Create(ai), vgb = Vector256.Create(gbi), sum = Vector256<float>.Zero;
            for (; j <= m - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256<float> before = Vector256.Load(t + j), aj = Vector256.Load(aUp + j);
                Vector256<float> centered = SubtractOuterPairOperator.Invoke(Vector256.Load(gr + j), va, Vector256.Load(gbUp + j), vgb, aj);
                Vector256<float> after = rule.Step(before, centered, row + j);
                after.Store(t + j);
                Vector256<float> d = after - before;
                (Vector256.Load(columnShift + j) + va * d).Store(columnShift + j);
                sum += d * aj;
            }
            rowSum = Vector256.Sum(sum);
        }
        else if (width >= 128)
        {
            Vector128<float> va = Vector128.Create(ai), vgb = Vector128.Create(gbi), sum = Vector128<float>.Zero;
            for (; j <= m - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                Vector128<float> before = Vector128.Load(t + j), aj = Vector128.Load(aUp + j);
                Vector128<float> centered = SubtractOuterPairOperator.Invoke(Vector128.Load(gr + j), va, Vector128.Load(gbUp + j), vgb, aj);
                Vector128<float> after = rule.Step(before, centered, row + j);
                after.Store(t + j);
                Vector128<float> d = after - before;
                (Vector128.Load(columnShift + j) + va * d).Store(columnShift + j);
                sum += d * aj;
            }
            rowSum = Vector128.Sum(sum);
        }
        for (; j < m; j++) rowSum += ScalarElement(ref rule, theta, g, row + j, ai, gbi, gbUp[j], aUp[j], columnShift + j);
        return rowSum;
    }
}
