using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// The reductions of Core's evaluation (AIS weights, the variational bound, the Parzen window): vector bodies of 256 or
/// 128 bits as <see cref="KernelSettings"/> allows, then a scalar tail in double. Which elements take which path depends
/// only on the length and the width; the paths agree to rounding (lanes are summed in another order).
/// </summary>
internal static unsafe class EvaluationKernels
{
    /// <summary>Σ a_i b_i with the products formed in double (each float product is exact there).</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        b = b[..n];
        double sum = 0;
        int i = 0, width = VectorPath.Current;
        fixed (float* pa = a, pb = b)
        {
            if (width >= 256) i = DotBody<DoubleLanes256, Vector256<double>>(pa, pb, n, out sum);
            else if (width >= 128) i = DotBody<DoubleLanes128, Vector128<double>>(pa, pb, n, out sum);
        }
        for (; i < n; i++) sum += (double)a[i] * b[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int DotBody<TL, TV>(float* a, float* b, int n, out double sum) where TL : IDoubleLanes<TV> where TV : unmanaged
    {
        int step = 2 * TL.Count, i = 0;
        TV acc = TL.Broadcast(0);
        for (; i <= n - step; i += step)
        {
            TL.LoadWidened(a + i, out TV alo, out TV ahi);
            TL.LoadWidened(b + i, out TV blo, out TV bhi);
            acc = TL.Add(acc, TL.Add(TL.Multiply(alo, blo), TL.Multiply(ahi, bhi)));
        }
        sum = TL.Sum(acc);
        return i;
    }

    /// <summary>Σ a_i b_i with the vector lanes summed in single precision (the tail in double): for short, well-scaled rows.</summary>
    public static double SingleDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length;
        b = b[..n];
        double sum = 0;
        int i = 0, width = VectorPath.Current;
        fixed (float* pa = a, pb = b)
        {
            if (width >= 256)
            {
                Vector256<float> acc = Vector256<float>.Zero;
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count) acc += Vector256.Load(pa + i) * Vector256.Load(pb + i);
                sum = Vector256.Sum(acc);
            }
            else if (width >= 128)
            {
                Vector128<float> acc = Vector128<float>.Zero;
                for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count) acc += Vector128.Load(pa + i) * Vector128.Load(pb + i);
                sum = Vector128.Sum(acc);
            }
        }
        for (; i < n; i++) sum += (double)a[i] * b[i];
        return sum;
    }

    /// <summary>Σ_j exp(scale·d_j − shift).</summary>
    public static double SumExp(ReadOnlySpan<double> d, double scale, double shift)
    {
        int n = d.Length;
        double sum = 0;
        int i = 0, width = VectorPath.Current;
        fixed (double* pd = d)
        {
            if (width >= 256) i = SumExpBody<DoubleLanes256, Vector256<double>>(pd, n, scale, shift, out sum);
            else if (width >= 128) i = SumExpBody<DoubleLanes128, Vector128<double>>(pd, n, scale, shift, out sum);
        }
        for (; i < n; i++) sum += Math.Exp(scale * d[i] - shift);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SumExpBody<TL, TV>(double* d, int n, double scale, double shift, out double sum) where TL : IDoubleLanes<TV> where TV : unmanaged
    {
        TV acc = TL.Broadcast(0), vs = TL.Broadcast(scale), vm = TL.Broadcast(shift);
        int i = 0;
        for (; i <= n - TL.Count; i += TL.Count) acc = TL.Add(acc, TL.Exp(TL.Subtract(TL.Multiply(TL.Load(d + i), vs), vm)));
        sum = TL.Sum(acc);
        return i;
    }

    /// <summary>
    /// Σ_j softplus(β u_j) − softplus(β' u_j), and probabilities = σ(β u), in double: with e_a = exp(−|a|),
    /// softplus(a) − softplus(b) = max(a, 0) − max(b, 0) + log((1 + e_a)/(1 + e_b)) and σ(a) = 1/(1 + e_a) or
    /// e_a/(1 + e_a) — two exponentials and one logarithm per unit, no cancellation. β' = <paramref name="previous"/>.
    /// </summary>
    public static double SoftplusDifferences(ReadOnlySpan<float> u, Span<float> probabilities, double previous, double beta)
    {
        int n = u.Length;
        probabilities = probabilities[..n];
        double sum = 0;
        int i = 0, width = VectorPath.Current;
        fixed (float* pu = u, pp = probabilities)
        {
            if (width >= 256) i = SoftplusDifferencesBody<DoubleLanes256, Vector256<double>>(pu, pp, n, previous, beta, out sum);
            else if (width >= 128) i = SoftplusDifferencesBody<DoubleLanes128, Vector128<double>>(pu, pp, n, previous, beta, out sum);
        }
        for (; i < n; i++)
        {
            double a = beta * u[i], b = previous * u[i];
            double ea = Math.Exp(-Math.Abs(a)), eb = Math.Exp(-Math.Abs(b));
            sum += Math.Max(a, 0) - Math.Max(b, 0) + Math.Log((1 + ea) / (1 + eb));
            probabilities[i] = (float)(a >= 0 ? 1 / (1 + ea) : ea / (1 + ea));
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SoftplusDifferencesBody<TL, TV>(float* u, float* probabilities, int n, double previous, double beta, out double sum)
        where TL : IDoubleLanes<TV> where TV : unmanaged
    {
        int step = 2 * TL.Count, i = 0;
        TV acc = TL.Broadcast(0), vBeta = TL.Broadcast(beta), vPrevious = TL.Broadcast(previous);
        for (; i <= n - step; i += step)
        {
            TL.LoadWidened(u + i, out TV lo, out TV hi);
            TV pl = SoftplusDifferenceTerm<TL, TV>(lo, vPrevious, vBeta, ref acc);
            TV ph = SoftplusDifferenceTerm<TL, TV>(hi, vPrevious, vBeta, ref acc);
            TL.StoreNarrowed(pl, ph, probabilities + i);
        }
        sum = TL.Sum(acc);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV SoftplusDifferenceTerm<TL, TV>(TV u, TV previous, TV beta, ref TV acc) where TL : IDoubleLanes<TV> where TV : unmanaged
    {
        TV zero = TL.Broadcast(0), one = TL.Broadcast(1);
        TV a = TL.Multiply(u, beta), b = TL.Multiply(u, previous);
        TV ea = TL.Exp(TL.Negate(TL.Abs(a))), eb = TL.Exp(TL.Negate(TL.Abs(b)));
        TV onePlusA = TL.Add(one, ea);
        acc = TL.Add(acc, TL.Add(TL.Subtract(TL.Max(a, zero), TL.Max(b, zero)), TL.Log(TL.Divide(onePlusA, TL.Add(one, eb)))));
        return TL.Divide(TL.SelectNonNegative(a, one, ea), onePlusA);
    }
}
