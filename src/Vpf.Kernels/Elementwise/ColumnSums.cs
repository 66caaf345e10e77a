using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// sums[j] += alpha · Σ_r m[r, j]: each column is summed in row order in single precision and then added, exactly as
/// the scalar definition, so vector lanes, scalar tail and any thread split give bit-identical results.
/// </summary>
internal static unsafe class ColumnSums
{
    /// <summary>Block of columns summed together over all rows: four 256-bit accumulators in flight.</summary>
    private const int Block = 32;

    /// <summary>Runs the accumulation (lengths already validated).</summary>
    public static void Invoke(ReadOnlySpan<float> m, Span<float> sums, int rows, float alpha)
    {
        int n = sums.Length;
        if (n == 0) return;
        int width = VectorPath.Current;
        fixed (float* pm = m, ps = sums)
        {
            long total = (long)rows * n;
            // Columns are independent, so split them (in block-aligned ranges) rather than the flat index range.
            int blocks = (n + Block - 1) / Block;
            if (!Chunks.IsParallel(total, Chunks.MemoryBoundParallelThreshold) || blocks < 2)
            {
                Columns(pm, ps, rows, n, 0, n, alpha, width);
                return;
            }
            Chunks.RunParallel(Math.Min(blocks, KernelSettings.MaxThreads), new Body
            {
                M = pm, Sums = ps, Rows = rows, N = n, Blocks = blocks, Parts = Math.Min(blocks, KernelSettings.MaxThreads),
                Alpha = alpha, Width = width,
            });
        }
    }

    private struct Body : IChunkBody
    {
        public float* M, Sums;
        public int Rows, N, Blocks, Parts, Width;
        public float Alpha;

        public readonly void Run(int part)
        {
            int first = (int)((long)Blocks * part / Parts) * Block;
            int end = Math.Min(N, (int)((long)Blocks * (part + 1) / Parts) * Block);
            Columns(M, Sums, Rows, N, first, end, Alpha, Width);
        }
    }

    // Vector lanes over columns and a SCALAR tail: sums[j] += … is an accumulation, so an overlapping last vector
    // would add the overlapped columns twice.
    private static void Columns(float* m, float* sums, int rows, int n, int first, int end, float alpha, int width)
    {
        int j = first;
        if (width >= 256)
        {
            Vector256<float> a = Vector256.Create(alpha);
            for (; j <= end - Block; j += Block)
            {
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                float* p = m + j;
                for (int r = 0; r < rows; r++, p += n)
                {
                    s0 += Vector256.Load(p); s1 += Vector256.Load(p + 8);
                    s2 += Vector256.Load(p + 16); s3 += Vector256.Load(p + 24);
                }
                (Vector256.Load(sums + j) + a * s0).Store(sums + j);
                (Vector256.Load(sums + j + 8) + a * s1).Store(sums + j + 8);
                (Vector256.Load(sums + j + 16) + a * s2).Store(sums + j + 16);
                (Vector256.Load(sums + j + 24) + a * s3).Store(sums + j + 24);
            }
            for (; j <= end - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256<float> s = default;
                float* p = m + j;
                for (int r = 0; r < rows; r++, p += n) s += Vector256.Load(p);
                (Vector256.Load(sums + j) + a * s).Store(sums + j);
            }
        }
        else if (width >= 128)
        {
            Vector128<float> a = Vector128.Create(alpha);
            for (; j <= end - 2 * Vector128<float>.Count; j += 2 * Vector128<float>.Count)
            {
                Vector128<float> s0 = default, s1 = default;
                float* p = m + j;
                for (int r = 0; r < rows; r++, p += n) { s0 += Vector128.Load(p); s1 += Vector128.Load(p + 4); }
                (Vector128.Load(sums + j) + a * s0).Store(sums + j);
                (Vector128.Load(sums + j + 4) + a * s1).Store(sums + j + 4);
            }
            for (; j <= end - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                Vector128<float> s = default;
                float* p = m + j;
                for (int r = 0; r < rows; r++, p += n) s += Vector128.Load(p);
                (Vector128.Load(sums + j) + a * s).Store(sums + j);
            }
        }
        for (; j < end; j++)
        {
            float s = 0f;
            float* p = m + j;
            for (int r = 0; r < rows; r++, p += n) s += *p;
            sums[j] += alpha * s;
        }
    }
}
