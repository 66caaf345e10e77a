using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>Driver of edge accumulations acc_j += f(μ_j, A_j, B_j, t_j, s_j; unit k) over one unit's neighbours.</summary>
internal static unsafe class EdgeAccumulate<TOperator> where TOperator : struct, IEdgeOperator
{
    /// <summary>
    /// Runs the operator over acc.Length neighbours. Spans the operator does not read may be empty; the others must hold
    /// at least acc.Length elements (checked by the caller). One unit's sweep is short, so it runs on the calling thread.
    /// </summary>
    public static void Invoke(Span<double> acc, ReadOnlySpan<double> mu, ReadOnlySpan<double> a, ReadOnlySpan<double> b,
        ReadOnlySpan<double> t, ReadOnlySpan<double> s, double aK, double bK, double muK)
    {
        int n = acc.Length;
        if (n == 0) return;
        fixed (double* pacc = acc, pmu = mu, pa = a, pb = b, pt = t, ps = s)
        {
            var p = new Pointers(pacc, pmu, pa, pb, pt, ps);
            int width = VectorPath.Current, i = 0;
            if (width >= 256)
                i = Body<DoubleLanes256, Vector256<double>>(p, n, aK, bK, muK);
            else if (width >= 128)
                i = Body<DoubleLanes128, Vector128<double>>(p, n, aK, bK, muK);
            // A SCALAR tail: the accumulation is not idempotent, so an overlapping last vector would add twice.
            var unit = new EdgeUnit<double>(aK, bK, muK, 1 - muK);
            for (; i < n; i++)
                pacc[i] += TOperator.Invoke(
                    TOperator.ReadsNeighbourRates ? pmu[i] : 0, TOperator.ReadsNeighbourTerms ? pa[i] : 0, TOperator.ReadsNeighbourTerms ? pb[i] : 0,
                    TOperator.ReadsHalfExponentials ? pt[i] : 0, TOperator.ReadsHalfExponentials ? ps[i] : 0, unit);
        }
    }

    private readonly struct Pointers(double* acc, double* mu, double* a, double* b, double* t, double* s)
    {
        public readonly double* Acc = acc, Mu = mu, A = a, B = b, T = t, S = s;
    }

    /// <summary>The vector body over whole vectors; returns the index where the scalar tail starts.</summary>
    private static int Body<TLanes, TVec>(Pointers p, int n, double aK, double bK, double muK)
        where TLanes : IDoubleLanes<TVec> where TVec : unmanaged
    {
        var unit = new EdgeUnit<TVec>(TLanes.Broadcast(aK), TLanes.Broadcast(bK), TLanes.Broadcast(muK), TLanes.Broadcast(1 - muK));
        int i = 0;
        for (; i <= n - TLanes.Count; i += TLanes.Count)
        {
            TVec r = TOperator.Invoke<TLanes, TVec>(
                TOperator.ReadsNeighbourRates ? TLanes.Load(p.Mu + i) : default,
                TOperator.ReadsNeighbourTerms ? TLanes.Load(p.A + i) : default,
                TOperator.ReadsNeighbourTerms ? TLanes.Load(p.B + i) : default,
                TOperator.ReadsHalfExponentials ? TLanes.Load(p.T + i) : default,
                TOperator.ReadsHalfExponentials ? TLanes.Load(p.S + i) : default, unit);
            TLanes.Store(TLanes.Add(TLanes.Load(p.Acc + i), r), p.Acc + i);
        }
        return i;
    }
}
