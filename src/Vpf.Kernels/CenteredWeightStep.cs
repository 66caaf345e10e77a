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
/// <see cref="CenteringKernels.SubtractOffsetOuterProducts"/>, then the rule) on every width. The shifts are float sums
/// in vector lanes, so their last bits depend on the width; a float sum of n terms is within n·2⁻²⁴ of its terms'
/// absolute sum, far below the rounding of the biases they move for the steps an optimiser takes.
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

    /// <summary>Row by row; one thread, so the shifts' sums have one order whatever the machine's cores.</summary>
    private static void Walk<TRule>(Span<float> theta, ReadOnlySpan<float> gradient, WeightCentering c, TRule rule) where TRule : struct, IDescentRule
    {
        int n = c.RowOffsets.Length, m = c.ColumnOffsets.Length, width = VectorPath.Current;
        c.ColumnShift[..m].Clear();
        fixed (float* pt = theta, pg = gradient, a = c.RowOffsets, aUp = c.ColumnOffsets, gb = c.RowBiasGradient, gbUp = c.ColumnBiasGradient,
            columnShift = c.ColumnShift, rowShift = c.RowShift)
        {
            for (int i = 0; i < n; i++)
            {
                nint row = (nint)i * m;
                rowShift[i] = Row(ref rule, pt, pg, row, a[i], gb[i], gbUp, aUp, columnShift, m, width);
            }
        }
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
        for (; j < m; j++)
        {
            float before = t[j];
            float after = rule.Step(before, SubtractOuterPairOperator.Invoke(gr[j], ai, gbUp[j], gbi, aUp[j]), row + j);
            t[j] = after;
            float d = after - before;
            columnShift[j] += ai * d;
            rowSum += d * aUp[j];
        }
        return rowSum;
    }
}
