using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vpf.Core.Training;

/// <summary>
/// Inner loops of <see cref="ExpectedFlow"/> over the neighbours of one unit, in double, with Vector256 lanes and a
/// scalar tail. With t = e^{w/2} and s = e^{−w/2} precomputed per edge and ν = 1 − μ, every factor of the products is
/// ν + μ t (B side) or ν + μ s (A side), and ρ(μ, ±w/2) = μ t / (ν + μ t) resp. μ s / (ν + μ s): no transcendental per
/// pair except one logarithm per <c>block</c> factors. Which elements go through the vector body and which through the
/// tail depends only on the span lengths, so a given unit is always computed by the same arithmetic.
/// </summary>
internal static class ExpectedFlowKernels
{
    private static readonly int Lanes = Vector256<double>.Count;

    /// <summary>Whether the Vector256 bodies run: <see cref="Vpf.Kernels.KernelSettings"/> decides, so tests can compare them with the scalar tails.</summary>
    private static bool UseVectors => Vpf.Kernels.KernelSettings.VectorBits >= 256;

    /// <summary>
    /// Σ_j log(ν_j + μ_j t_j) into <paramref name="logT"/> and Σ_j log(ν_j + μ_j s_j) into <paramref name="logS"/>.
    /// Factors are multiplied in two accumulators per lane and side, and the logarithm of the product of both is taken
    /// after every <paramref name="block"/> steps: the caller chooses block so that 2·block factors, each between
    /// min(1, t) and max(1, t), cannot leave the normal range of double.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogProducts(ReadOnlySpan<double> mu, ReadOnlySpan<double> t, ReadOnlySpan<double> s, int block,
        out double logT, out double logS)
    {
        int n = mu.Length;
        t = t[..n];
        s = s[..n];
        double sumT = 0, sumS = 0;
        int i = 0;
        if (UseVectors && n >= 2 * Lanes)
        {
            var vm = MemoryMarshal.Cast<double, Vector256<double>>(mu);
            var vt = MemoryMarshal.Cast<double, Vector256<double>>(t);
            var vs = MemoryMarshal.Cast<double, Vector256<double>>(s);
            var one = Vector256<double>.One;
            Vector256<double> pt0 = one, pt1 = one, ps0 = one, ps1 = one;
            Vector256<double> lt = Vector256<double>.Zero, ls = Vector256<double>.Zero;
            int pairs = vm.Length / 2, steps = 0;
            for (int p = 0; p < pairs; p++)
            {
                var m0 = vm[2 * p];
                var m1 = vm[2 * p + 1];
                var n0 = one - m0;
                var n1 = one - m1;
                pt0 *= Vector256.FusedMultiplyAdd(m0, vt[2 * p], n0);
                pt1 *= Vector256.FusedMultiplyAdd(m1, vt[2 * p + 1], n1);
                ps0 *= Vector256.FusedMultiplyAdd(m0, vs[2 * p], n0);
                ps1 *= Vector256.FusedMultiplyAdd(m1, vs[2 * p + 1], n1);
                if (++steps == block)
                {
                    lt += Vector256.Log(pt0 * pt1);
                    ls += Vector256.Log(ps0 * ps1);
                    pt0 = pt1 = ps0 = ps1 = one;
                    steps = 0;
                }
            }
            i = pairs * 2;
            if (i < vm.Length)
            {
                // One more vector of factors: within the bound, since each accumulator holds at most block − 1.
                var m0 = vm[i];
                var n0 = one - m0;
                pt0 *= Vector256.FusedMultiplyAdd(m0, vt[i], n0);
                ps0 *= Vector256.FusedMultiplyAdd(m0, vs[i], n0);
                steps++;
                i++;
            }
            if (steps > 0)
            {
                lt += Vector256.Log(pt0 * pt1);
                ls += Vector256.Log(ps0 * ps1);
            }
            sumT = Vector256.Sum(lt);
            sumS = Vector256.Sum(ls);
            i *= Lanes;
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

    /// <summary>Σ_j μ_j w_j in double (for clamped μ ∈ {0, 1}: the sum of the weights of the active neighbours).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> mu, ReadOnlySpan<float> w)
    {
        int n = mu.Length;
        w = w[..n];
        double sum = 0;
        int i = 0;
        if (UseVectors && n >= 2 * Lanes)
        {
            var vm = MemoryMarshal.Cast<double, Vector256<double>>(mu);
            var vw = MemoryMarshal.Cast<float, Vector256<float>>(w);
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            int blocks = Math.Min(vm.Length / 2, vw.Length);
            for (int q = 0; q < blocks; q++)
            {
                var (lo, hi) = Vector256.Widen(vw[q]);
                acc0 += vm[2 * q] * lo;
                acc1 += vm[2 * q + 1] * hi;
            }
            sum = Vector256.Sum(acc0 + acc1);
            i = blocks * 2 * Lanes;
        }
        for (; i < n; i++) sum += mu[i] * w[i];
        return sum;
    }

    /// <summary>t_i = e^{w_i/2} and s_i = e^{−w_i/2}.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HalfExponentials(ReadOnlySpan<float> w, Span<double> t, Span<double> s)
    {
        int n = w.Length;
        t = t[..n];
        s = s[..n];
        int i = 0;
        if (UseVectors && n >= 2 * Lanes)
        {
            var vw = MemoryMarshal.Cast<float, Vector256<float>>(w);
            var vt = MemoryMarshal.Cast<double, Vector256<double>>(t);
            var vs = MemoryMarshal.Cast<double, Vector256<double>>(s);
            var half = Vector256.Create(0.5);
            for (int q = 0; q < vw.Length; q++)
            {
                var (lo, hi) = Vector256.Widen(vw[q]);
                lo *= half;
                hi *= half;
                vt[2 * q] = Vector256.Exp(lo);
                vt[2 * q + 1] = Vector256.Exp(hi);
                vs[2 * q] = Vector256.Exp(-lo);
                vs[2 * q + 1] = Vector256.Exp(-hi);
            }
            i = vw.Length * 2 * Lanes;
        }
        for (; i < n; i++)
        {
            double h = 0.5 * w[i];
            t[i] = Math.Exp(h);
            s[i] = Math.Exp(-h);
        }
    }

    /// <summary>
    /// acc_j += 2 ∂/∂w_kj of unit k's terms (A_k, B_k) through a neighbour of rate μ_j:
    /// μ_j (B_k t_j / (ν_j + μ_j t_j) − A_k s_j / (ν_j + μ_j s_j)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddOwn(Span<double> acc, ReadOnlySpan<double> mu, ReadOnlySpan<double> t, ReadOnlySpan<double> s, double a, double b)
    {
        int n = acc.Length;
        mu = mu[..n];
        t = t[..n];
        s = s[..n];
        int i = 0;
        if (UseVectors)
        {
            var vacc = MemoryMarshal.Cast<double, Vector256<double>>(acc);
            var vm = MemoryMarshal.Cast<double, Vector256<double>>(mu);
            var vt = MemoryMarshal.Cast<double, Vector256<double>>(t);
            var vs = MemoryMarshal.Cast<double, Vector256<double>>(s);
            var one = Vector256<double>.One;
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (int q = 0; q < vacc.Length; q++)
            {
                var m = vm[q];
                var v = one - m;
                var tq = vt[q];
                var sq = vs[q];
                var f = Vector256.FusedMultiplyAdd(m, tq, v);
                var g = Vector256.FusedMultiplyAdd(m, sq, v);
                vacc[q] += m * (vb * (tq * g) - va * (sq * f)) / (f * g);
            }
            i = vacc.Length * Lanes;
        }
        for (; i < n; i++)
        {
            double m = mu[i], v = 1 - m, f = v + m * t[i], g = v + m * s[i];
            acc[i] += m * (b * (t[i] * g) - a * (s[i] * f)) / (f * g);
        }
    }

    /// <summary>acc_j += μ_j (B_k − A_k): <see cref="AddOwn"/> for clamped neighbours (μ_j ∈ {0, 1}, so ρ = μ_j).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddOwnClamped(Span<double> acc, ReadOnlySpan<double> mu, double difference)
    {
        int n = acc.Length;
        mu = mu[..n];
        int i = 0;
        if (UseVectors)
        {
            var vacc = MemoryMarshal.Cast<double, Vector256<double>>(acc);
            var vm = MemoryMarshal.Cast<double, Vector256<double>>(mu);
            var d = Vector256.Create(difference);
            for (int q = 0; q < vacc.Length; q++) vacc[q] += vm[q] * d;
            i = vacc.Length * Lanes;
        }
        for (; i < n; i++) acc[i] += mu[i] * difference;
    }

    /// <summary>
    /// acc_j += 2 ∂/∂w_kj of each neighbour j's terms (A_j, B_j) through unit k of rate μ:
    /// μ (B_j t_j / (ν + μ t_j) − A_j s_j / (ν + μ s_j)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddNeighbours(Span<double> acc, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> t,
        ReadOnlySpan<double> s, double mu)
    {
        int n = acc.Length;
        a = a[..n];
        b = b[..n];
        t = t[..n];
        s = s[..n];
        double nu = 1 - mu;
        int i = 0;
        if (UseVectors)
        {
            var vacc = MemoryMarshal.Cast<double, Vector256<double>>(acc);
            var va = MemoryMarshal.Cast<double, Vector256<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector256<double>>(b);
            var vt = MemoryMarshal.Cast<double, Vector256<double>>(t);
            var vs = MemoryMarshal.Cast<double, Vector256<double>>(s);
            var m = Vector256.Create(mu);
            var v = Vector256.Create(nu);
            for (int q = 0; q < vacc.Length; q++)
            {
                var tq = vt[q];
                var sq = vs[q];
                var f = Vector256.FusedMultiplyAdd(m, tq, v);
                var g = Vector256.FusedMultiplyAdd(m, sq, v);
                vacc[q] += m * (vb[q] * (tq * g) - va[q] * (sq * f)) / (f * g);
            }
            i = vacc.Length * Lanes;
        }
        for (; i < n; i++)
        {
            double f = nu + mu * t[i], g = nu + mu * s[i];
            acc[i] += mu * (b[i] * (t[i] * g) - a[i] * (s[i] * f)) / (f * g);
        }
    }

    /// <summary>acc_j += B_j − A_j: <see cref="AddNeighbours"/> for an active clamped unit k (μ = 1, so ρ = 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddNeighboursActive(Span<double> acc, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = acc.Length;
        a = a[..n];
        b = b[..n];
        int i = 0;
        if (UseVectors)
        {
            var vacc = MemoryMarshal.Cast<double, Vector256<double>>(acc);
            var va = MemoryMarshal.Cast<double, Vector256<double>>(a);
            var vb = MemoryMarshal.Cast<double, Vector256<double>>(b);
            for (int q = 0; q < vacc.Length; q++) vacc[q] += vb[q] - va[q];
            i = vacc.Length * Lanes;
        }
        for (; i < n; i++) acc[i] += b[i] - a[i];
    }

    /// <summary><see cref="AddOwn"/> and <see cref="AddNeighbours"/> in one sweep (neither endpoint clamped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddBoth(Span<double> acc, ReadOnlySpan<double> muJ, ReadOnlySpan<double> aJ, ReadOnlySpan<double> bJ,
        ReadOnlySpan<double> t, ReadOnlySpan<double> s, double aK, double bK, double muK)
    {
        int n = acc.Length;
        muJ = muJ[..n];
        aJ = aJ[..n];
        bJ = bJ[..n];
        t = t[..n];
        s = s[..n];
        double nuK = 1 - muK;
        int i = 0;
        if (UseVectors)
        {
            var vacc = MemoryMarshal.Cast<double, Vector256<double>>(acc);
            var vm = MemoryMarshal.Cast<double, Vector256<double>>(muJ);
            var va = MemoryMarshal.Cast<double, Vector256<double>>(aJ);
            var vb = MemoryMarshal.Cast<double, Vector256<double>>(bJ);
            var vt = MemoryMarshal.Cast<double, Vector256<double>>(t);
            var vs = MemoryMarshal.Cast<double, Vector256<double>>(s);
            var one = Vector256<double>.One;
            var ak = Vector256.Create(aK);
            var bk = Vector256.Create(bK);
            var mk = Vector256.Create(muK);
            var nk = Vector256.Create(nuK);
            for (int q = 0; q < vacc.Length; q++)
            {
                var tq = vt[q];
                var sq = vs[q];
                var m = vm[q];
                var v = one - m;
                var f = Vector256.FusedMultiplyAdd(m, tq, v);
                var g = Vector256.FusedMultiplyAdd(m, sq, v);
                var own = m * (bk * (tq * g) - ak * (sq * f)) / (f * g);
                var f2 = Vector256.FusedMultiplyAdd(mk, tq, nk);
                var g2 = Vector256.FusedMultiplyAdd(mk, sq, nk);
                var theirs = mk * (vb[q] * (tq * g2) - va[q] * (sq * f2)) / (f2 * g2);
                vacc[q] += own + theirs;
            }
            i = vacc.Length * Lanes;
        }
        for (; i < n; i++)
        {
            double m = muJ[i], v = 1 - m, f = v + m * t[i], g = v + m * s[i];
            double own = m * (bK * (t[i] * g) - aK * (s[i] * f)) / (f * g);
            double f2 = nuK + muK * t[i], g2 = nuK + muK * s[i];
            double theirs = muK * (bJ[i] * (t[i] * g2) - aJ[i] * (s[i] * f2)) / (f2 * g2);
            acc[i] += own + theirs;
        }
    }
}
