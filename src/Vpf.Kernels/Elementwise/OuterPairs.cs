using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// An element-wise update of a matrix by two outer products: g[k, j] ← f(g[k, j], p_k, q_j, r_k, s_j), with p, r
/// indexed by the row and q, s by the column (the row operands are broadcast once per row).
/// </summary>
internal interface IOuterPairOperator
{
    static abstract bool Vectorizable { get; }
    static abstract float Invoke(float g, float p, float q, float r, float s);
    static abstract Vector128<float> Invoke(Vector128<float> g, Vector128<float> p, Vector128<float> q, Vector128<float> r, Vector128<float> s);
    static abstract Vector256<float> Invoke(Vector256<float> g, Vector256<float> p, Vector256<float> q, Vector256<float> r, Vector256<float> s);
}

/// <summary>
/// g − (p q + r s), multiplied and added separately on every width (no fused multiply-add), so that the vector and
/// scalar paths round alike: the weight gradient in centered coordinates, g_W − a_l ⊗ g_{b_{l+1}} − g_{b_l} ⊗ a_{l+1}.
/// </summary>
internal readonly struct SubtractOuterPairOperator : IOuterPairOperator
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float g, float p, float q, float r, float s) => g - (p * q + r * s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> g, Vector128<float> p, Vector128<float> q, Vector128<float> r, Vector128<float> s) =>
        g - (p * q + r * s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> g, Vector256<float> p, Vector256<float> q, Vector256<float> r, Vector256<float> s) =>
        g - (p * q + r * s);
}

/// <summary>Driver of <see cref="IOuterPairOperator"/> over an n × m matrix, rows in chunks over threads.</summary>
internal static unsafe class OuterPairs<TOperator> where TOperator : struct, IOuterPairOperator
{
    /// <summary>Runs the operator over every element (lengths already validated: g n × m, p and r n, q and s m).</summary>
    public static void Invoke(Span<float> g, ReadOnlySpan<float> p, ReadOnlySpan<float> q, ReadOnlySpan<float> r, ReadOnlySpan<float> s, int n, int m)
    {
        if (n == 0 || m == 0) return;
        fixed (float* pg = g, pp = p, pq = q, pr = r, ps = s)
        {
            // Whole rows per chunk, about Chunks.Size elements each: every element is computed alike whatever the threads.
            int rowsPerChunk = Math.Max(1, Chunks.Size / m);
            int chunks = (n + rowsPerChunk - 1) / rowsPerChunk;
            var body = new Body { G = pg, P = pp, Q = pq, R = pr, S = ps, N = n, M = m, RowsPerChunk = rowsPerChunk, Width = VectorPath.Current };
            if (Chunks.IsParallel((long)n * m, Chunks.MemoryBoundParallelThreshold) && chunks > 1) Chunks.RunParallel(chunks, body);
            else for (int c = 0; c < chunks; c++) body.Run(c);
        }
    }

    private struct Body : IChunkBody
    {
        public float* G, P, Q, R, S;
        public int N, M, RowsPerChunk, Width;

        public readonly void Run(int chunk)
        {
            int first = chunk * RowsPerChunk, end = Math.Min(N, first + RowsPerChunk);
            for (int k = first; k < end; k++) Row(G + (long)k * M, P[k], Q, R[k], S, M, Width);
        }
    }

    /// <summary>One row; the update is idempotent per element, but a scalar tail keeps the code plain.</summary>
    private static void Row(float* g, float p, float* q, float r, float* s, int m, int width)
    {
        int j = 0;
        if (TOperator.Vectorizable && width >= 256)
        {
            Vector256<float> vp = Vector256.Create(p), vr = Vector256.Create(r);
            for (; j <= m - Vector256<float>.Count; j += Vector256<float>.Count)
                TOperator.Invoke(Vector256.Load(g + j), vp, Vector256.Load(q + j), vr, Vector256.Load(s + j)).Store(g + j);
        }
        else if (TOperator.Vectorizable && width >= 128)
        {
            Vector128<float> vp = Vector128.Create(p), vr = Vector128.Create(r);
            for (; j <= m - Vector128<float>.Count; j += Vector128<float>.Count)
                TOperator.Invoke(Vector128.Load(g + j), vp, Vector128.Load(q + j), vr, Vector128.Load(s + j)).Store(g + j);
        }
        for (; j < m; j++) g[j] = TOperator.Invoke(g[j], p, q[j], r, s[j]);
    }
}
