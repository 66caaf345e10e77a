using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// Inner loops of the expected flow (Core's <c>ExpectedFlow</c>) over the neighbours of one unit, in double. With
/// t = e^{w/2} and s = e^{−w/2} precomputed per edge and ν = 1 − μ, every factor of the products is ν + μ t (B side) or
/// ν + μ s (A side), and ρ(μ, ±w/2) = μ t / (ν + μ t) resp. μ s / (ν + μ s): no transcendental per pair except one
/// logarithm per <c>block</c> factors.
/// </summary>
/// <remarks>
/// Vector bodies of 256 or 128 bits (as <see cref="KernelSettings"/> allows) and a scalar tail; which elements go through
/// which depends only on the span lengths and the width, so a given unit is always computed by the same arithmetic on
/// one machine. The vector bodies fuse the multiply-adds and multiply factors before taking logarithms; the tail does
/// neither, so paths agree to rounding, not bit for bit.
/// </remarks>
internal static unsafe class ExpectedFlowKernels
{
    /// <summary>
    /// Σ_j log(ν_j + μ_j t_j) into <paramref name="logT"/> and Σ_j log(ν_j + μ_j s_j) into <paramref name="logS"/>.
    /// Factors are multiplied in two accumulators per lane and side, and the logarithm of the product of both is taken
    /// after every <paramref name="block"/> steps: the caller chooses block so that 2·block factors, each between
    /// min(1, t) and max(1, t), cannot leave the normal range of double.
    /// </summary>
    public static void LogProducts(ReadOnlySpan<double> mu, ReadOnlySpan<double> t, ReadOnlySpan<double> s, int block,
        out double logT, out double logS)
    {
        int n = mu.Length;
        t = t[..n];
        s = s[..n];
        double sumT = 0, sumS = 0;
        int i = 0, width = VectorPath.Current;
        fixed (double* pm = mu, pt = t, ps = s)
        {
            if (width >= 256 && n >= 2 * Vector256<double>.Count)
                i = LogProductsBody<DoubleLanes256, Vector256<double>>(pm, pt, ps, n, block, out sumT, out sumS);
            else if (width >= 128 && n >= 2 * Vector128<double>.Count)
                i = LogProductsBody<DoubleLanes128, Vector128<double>>(pm, pt, ps, n, block, out sumT, out sumS);
        }
        for (; i < n; i++)
        {
            double m = mu[i], v = 1 - m;
            sumT += Math.Log(v + m * t[i]);
            sumS += Math.Log(v + m * s[i]);
        }
        logT = sumT;
        logS = sumS;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int LogProductsBody<TL, TV>(double* mu, double* t, double* s, int n, int block, out double sumT, out double sumS)
        where TL : IDoubleLanes<TV> where TV : unmanaged
    {
        int lanes = TL.Count, vectors = n / lanes;
        TV one = TL.Broadcast(1);
        TV pt0 = one, pt1 = one, ps0 = one, ps1 = one;
        TV lt = TL.Broadcast(0), ls = TL.Broadcast(0);
        int pairs = vectors / 2, steps = 0;
        for (int p = 0; p < pairs; p++)
        {
            int e0 = 2 * p * lanes, e1 = e0 + lanes;
            TV m0 = TL.Load(mu + e0), m1 = TL.Load(mu + e1);
            TV n0 = TL.Subtract(one, m0), n1 = TL.Subtract(one, m1);
            pt0 = TL.Multiply(pt0, TL.FusedMultiplyAdd(m0, TL.Load(t + e0), n0));
            pt1 = TL.Multiply(pt1, TL.FusedMultiplyAdd(m1, TL.Load(t + e1), n1));
            ps0 = TL.Multiply(ps0, TL.FusedMultiplyAdd(m0, TL.Load(s + e0), n0));
            ps1 = TL.Multiply(ps1, TL.FusedMultiplyAdd(m1, TL.Load(s + e1), n1));
            if (++steps == block)
            {
                lt = TL.Add(lt, TL.Log(TL.Multiply(pt0, pt1)));
                ls = TL.Add(ls, TL.Log(TL.Multiply(ps0, ps1)));
                pt0 = pt1 = ps0 = ps1 = one;
                steps = 0;
            }
        }
        int v = pairs * 2;
        if (v < vectors)
        {
            // One more vector of factors: within the bound, since each accumulator holds at most block − 1.
            int e0 = v * lanes;
            TV m0 = TL.Load(mu + e0);
            TV n0 = TL.Subtract(one, m0);
            pt0 = TL.Multiply(pt0, TL.FusedMultiplyAdd(m0, TL.Load(t + e0), n0));
            ps0 = TL.Multiply(ps0, TL.FusedMultiplyAdd(m0, TL.Load(s + e0), n0));
            steps++;
            v++;
        }
        if (steps > 0)
        {
            lt = TL.Add(lt, TL.Log(TL.Multiply(pt0, pt1)));
            ls = TL.Add(ls, TL.Log(TL.Multiply(ps0, ps1)));
        }
        sumT = TL.Sum(lt);
        sumS = TL.Sum(ls);
        return v * lanes;
    }

    /// <summary>Σ_j μ_j w_j in double (for clamped μ ∈ {0, 1}: the sum of the weights of the active neighbours).</summary>
    public static double Dot(ReadOnlySpan<double> mu, ReadOnlySpan<float> w)
    {
        int n = mu.Length;
        w = w[..n];
        double sum = 0;
        int i = 0, width = VectorPath.Current;
        fixed (double* pm = mu)
        fixed (float* pw = w)
        {
            if (width >= 256 && n >= 2 * Vector256<double>.Count)
                i = DotBody<DoubleLanes256, Vector256<double>>(pm, pw, n, out sum);
            else if (width >= 128 && n >= 2 * Vector128<double>.Count)
                i = DotBody<DoubleLanes128, Vector128<double>>(pm, pw, n, out sum);
        }
        for (; i < n; i++) sum += mu[i] * w[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DotBody<TL, TV>(double* mu, float* w, int n, out double sum)
        where TL : IDoubleLanes<TV> where TV : unmanaged
    {
        int step = 2 * TL.Count, blocks = n / step;
        TV acc0 = TL.Broadcast(0), acc1 = acc0;
        for (int q = 0; q < blocks; q++)
        {
            TL.LoadWidened(w + q * step, out TV lo, out TV hi);
            acc0 = TL.Add(acc0, TL.Multiply(TL.Load(mu + q * step), lo));
            acc1 = TL.Add(acc1, TL.Multiply(TL.Load(mu + q * step + TL.Count), hi));
        }
        sum = TL.Sum(TL.Add(acc0, acc1));
        return blocks * step;
    }

    /// <summary>t_i = e^{w_i/2} and s_i = e^{−w_i/2}.</summary>
    public static void HalfExponentials(ReadOnlySpan<float> w, Span<double> t, Span<double> s)
    {
        int n = w.Length;
        t = t[..n];
        s = s[..n];
        int i = 0, width = VectorPath.Current;
        fixed (float* pw = w)
        fixed (double* pt = t, ps = s)
        {
            if (width >= 256 && n >= 2 * Vector256<double>.Count)
                i = HalfExponentialsBody<DoubleLanes256, Vector256<double>>(pw, pt, ps, n);
            else if (width >= 128 && n >= 2 * Vector128<double>.Count)
                i = HalfExponentialsBody<DoubleLanes128, Vector128<double>>(pw, pt, ps, n);
        }
        for (; i < n; i++)
        {
            double h = 0.5 * w[i];
            t[i] = Math.Exp(h);
            s[i] = Math.Exp(-h);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int HalfExponentialsBody<TL, TV>(float* w, double* t, double* s, int n)
        where TL : IDoubleLanes<TV> where TV : unmanaged
    {
        int step = 2 * TL.Count, blocks = n / step;
        TV half = TL.Broadcast(0.5);
        for (int q = 0; q < blocks; q++)
        {
            int e = q * step;
            TL.LoadWidened(w + e, out TV lo, out TV hi);
            lo = TL.Multiply(lo, half);
            hi = TL.Multiply(hi, half);
            TL.Store(TL.Exp(lo), t + e);
            TL.Store(TL.Exp(hi), t + e + TL.Count);
            TL.Store(TL.Exp(TL.Negate(lo)), s + e);
            TL.Store(TL.Exp(TL.Negate(hi)), s + e + TL.Count);
        }
        return blocks * step;
    }

    /// <summary>
    /// acc_j += 2 ∂/∂w_kj of unit k's terms (A_k, B_k) through a neighbour of rate μ_j:
    /// μ_j (B_k t_j / (ν_j + μ_j t_j) − A_k s_j / (ν_j + μ_j s_j)).
    /// </summary>
    public static void AddOwn(Span<double> acc, ReadOnlySpan<double> mu, ReadOnlySpan<double> t, ReadOnlySpan<double> s, double a, double b)
    {
        int n = acc.Length;
        EdgeAccumulate<OwnEdgeOperator>.Invoke(acc, mu[..n], default, default, t[..n], s[..n], a, b, 0);
    }

    /// <summary>acc_j += μ_j (B_k − A_k): <see cref="AddOwn"/> for clamped neighbours (μ_j ∈ {0, 1}, so ρ = μ_j).</summary>
    public static void AddOwnClamped(Span<double> acc, ReadOnlySpan<double> mu, double difference)
        => EdgeAccumulate<ClampedOwnEdgeOperator>.Invoke(acc, mu[..acc.Length], default, default, default, default, 0, difference, 0);

    /// <summary>
    /// acc_j += 2 ∂/∂w_kj of each neighbour j's terms (A_j, B_j) through unit k of rate μ:
    /// μ (B_j t_j / (ν + μ t_j) − A_j s_j / (ν + μ s_j)).
    /// </summary>
    public static void AddNeighbours(Span<double> acc, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> t,
        ReadOnlySpan<double> s, double mu)
    {
        int n = acc.Length;
        EdgeAccumulate<NeighbourEdgeOperator>.Invoke(acc, default, a[..n], b[..n], t[..n], s[..n], 0, 0, mu);
    }

    /// <summary>acc_j += B_j − A_j: <see cref="AddNeighbours"/> for an active clamped unit k (μ = 1, so ρ = 1).</summary>
    public static void AddNeighboursActive(Span<double> acc, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = acc.Length;
        EdgeAccumulate<ActiveNeighbourEdgeOperator>.Invoke(acc, default, a[..n], b[..n], default, default, 0, 0, 1);
    }

    /// <summary><see cref="AddOwn"/> and <see cref="AddNeighbours"/> in one sweep (neither endpoint clamped).</summary>
    public static void AddBoth(Span<double> acc, ReadOnlySpan<double> muJ, ReadOnlySpan<double> aJ, ReadOnlySpan<double> bJ,
        ReadOnlySpan<double> t, ReadOnlySpan<double> s, double aK, double bK, double muK)
    {
        int n = acc.Length;
        EdgeAccumulate<BothEdgeOperator>.Invoke(acc, muJ[..n], aJ[..n], bJ[..n], t[..n], s[..n], aK, bK, muK);
    }
}
