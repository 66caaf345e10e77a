using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Vpf.Kernels.Gemm.Blocking;

namespace Vpf.Kernels.Gemm;

/// <summary>Which micro-kernel a call runs, chosen from <see cref="KernelSettings.MaxVectorBits"/> and the hardware.</summary>
internal enum KernelPath { Scalar, Vector128, Avx256 }

/// <summary>
/// The blocked loop nest around the micro-kernel, and the split of C over threads. C is cut into tile-aligned
/// chunks of rows or of columns; a thread computes a whole chunk over the full depth, so no element is touched
/// by two threads and every element is summed in the same order (same depth blocks, same kernel) whatever the
/// thread count.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>
    /// Fewest multiply-adds per thread worth a thread: below it waking a worker and packing the shared operand
    /// up front cost more than the parallel part saves (about 20 µs of single-core work). Tests lower it to force
    /// splits of small shapes.
    /// </summary>
    internal static long MinWorkPerThread = 1L << 20;

    public static KernelPath SelectPath()
    {
        int bits = KernelSettings.MaxVectorBits;
        if (bits >= 256 && Avx.IsSupported && Fma.IsSupported) return KernelPath.Avx256;
        if (bits >= 128 && Vector128.IsHardwareAccelerated) return KernelPath.Vector128;
        return KernelPath.Scalar;
    }

    /// <summary>Pins the operands and runs the product; the spans' lengths have been validated by the caller.</summary>
    public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        bool aTransposed, bool bTransposed, bool accumulate, float alpha)
    {
        fixed (float* pa = a, pb = b, pc = c)
            Run(new GemmProblem(pa, pb, pc, m, k, n, aTransposed, bTransposed, accumulate, alpha));
    }

    private static void Run(in GemmProblem problem)
    {
        int m = problem.M, n = problem.N;
        if (m == 0 || n == 0) return;
        if (problem.K == 0)
        {
            // An empty sum: C = 0, or C unchanged when accumulating.
            if (!problem.Accumulate) new Span<float>(problem.C, checked(m * n)).Clear();
            return;
        }

        KernelPath path = SelectPath();
        int tilesM = (m + MR - 1) / MR, tilesN = (n + NR - 1) / NR;
        long work = (long)m * n * problem.K;
        int threads = (int)Math.Clamp(work / MinWorkPerThread, 1, KernelSettings.MaxThreads);
        if (threads == 1)
        {
            RunRange(problem, 0, m, 0, n, path, null, null);
            return;
        }

        // Split the dimension that leaves the busiest thread the smallest share of C; ties go to columns.
        bool splitRows = (long)CeilDiv(tilesM, threads) * MR * n < (long)CeilDiv(tilesN, threads) * NR * m;

        // More chunks than threads, handed out on demand, so that a core slowed by other work (a shared machine,
        // an uneven last tile) costs its share of the chunks rather than holding the whole call up.
        int tiles = splitRows ? tilesM : tilesN;
        int chunkTiles = Math.Max(splitRows ? MinRowChunkTiles : MinColumnChunkTiles, CeilDiv(tiles, threads * ChunksPerThread));
        int chunks = CeilDiv(tiles, chunkTiles);
        threads = Math.Min(threads, chunks);
        if (threads == 1)
        {
            RunRange(problem, 0, m, 0, n, path, null, null);
            return;
        }

        // Every chunk needs all of the operand that is not split; packing it once, up front, instead of once per
        // chunk, is what makes small chunks affordable.
        float* shared = splitRows
            ? PackBuffers.ForShared(checked(problem.K * tilesN * NR))
            : PackBuffers.ForShared(checked(problem.K * tilesM * MR));
        GemmProblem copy = problem; // an 'in' parameter cannot be captured
        // The packing is split too: one thread packing all of it while the other waits cost up to a third of a
        // batch-100 product. Threads pack disjoint, tile-aligned panel ranges, so the packed bytes are the same.
        int panels = splitRows ? tilesN : tilesM;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int first = (int)((long)panels * t / threads), last = (int)((long)panels * (t + 1) / threads);
            PackWhole(copy, splitRows, shared, path, first, last);
        });

        int next = -1;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            int chunk;
            while ((chunk = Interlocked.Increment(ref next)) < chunks)
            {
                if (splitRows)
                {
                    int i0 = chunk * chunkTiles * MR, i1 = Math.Min(m, i0 + chunkTiles * MR);
                    RunRange(copy, i0, i1, 0, n, path, null, shared);
                }
                else
                {
                    int j0 = chunk * chunkTiles * NR, j1 = Math.Min(n, j0 + chunkTiles * NR);
                    RunRange(copy, 0, m, j0, j1, path, shared, null);
                }
            }
        });
    }

    /// <summary>Chunks per thread when splitting: enough to rebalance, few enough that per-chunk overhead stays small.</summary>
    private const int ChunksPerThread = 4;

    /// <summary>Smallest chunk of a row split, in MR-row tiles: a chunk re-reads all of packed B once per depth block.</summary>
    private const int MinRowChunkTiles = 8;

    /// <summary>Smallest chunk of a column split, in NR-column tiles.</summary>
    private const int MinColumnChunkTiles = 4;

    /// <summary>
    /// Packs all of B (when rows are split) or all of A (when columns are split), depth block after depth block,
    /// in the layout <see cref="RunRange"/> expects: block p0 starts at p0·(padded width), panel x at x·kc inside it.
    /// </summary>
    /// <remarks>Only panels [<paramref name="firstPanel"/>, <paramref name="lastPanel"/>) are packed, so that threads can share the work.</remarks>
    private static void PackWhole(in GemmProblem problem, bool packB, float* dst, KernelPath path, int firstPanel, int lastPanel)
    {
        int k = problem.K, kcMax = DepthBlock(k);
        if (firstPanel >= lastPanel) return;
        for (int pc = 0; pc < k; pc += kcMax)
        {
            int kc = Math.Min(kcMax, k - pc);
            if (packB)
            {
                int j0 = firstPanel * NR, j1 = Math.Min(problem.N, lastPanel * NR);
                Packing.PackB(problem, pc, kc, j0, j1 - j0, dst + (long)pc * RoundUp(problem.N, NR) + (long)j0 * kc, path == KernelPath.Avx256);
            }
            else
            {
                int i0 = firstPanel * MR, i1 = Math.Min(problem.M, lastPanel * MR);
                Packing.PackA(problem, i0, i1 - i0, pc, kc, dst + (long)pc * RoundUp(problem.M, MR) + (long)i0 * kc);
            }
        }
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;

    /// <summary>
    /// C[i0..i1, j0..j1] over the full depth, packing into the calling thread's buffers whatever is not given
    /// prepacked (<paramref name="wholeA"/>, <paramref name="wholeB"/>: see <see cref="PackWhole"/>).
    /// </summary>
    private static void RunRange(in GemmProblem problem, int i0, int i1, int j0, int j1, KernelPath path, float* wholeA, float* wholeB)
    {
        int k = problem.K, ldc = problem.N;
        int kcMax = DepthBlock(k);
        int mcMax = RowBlock(i1 - i0);
        int ncMax = ColumnBlock(j1 - j0);
        float* ownA = wholeA == null ? PackBuffers.ForA(mcMax * kcMax) : null;
        float* ownB = wholeB == null ? PackBuffers.ForB(ncMax * kcMax) : null;
        int paddedM = RoundUp(problem.M, MR), paddedN = RoundUp(problem.N, NR);
        float* edge = stackalloc float[MR * NR];
        bool avxPacking = path == KernelPath.Avx256;
        float alpha = problem.Alpha;

        for (int jc = j0; jc < j1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, j1 - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                bool overwrite = pc == 0 && !problem.Accumulate;
                float* packedB = ownB;
                if (wholeB == null) Packing.PackB(problem, pc, kc, jc, nc, packedB, avxPacking);
                else packedB = wholeB + (long)pc * paddedN + (long)jc * kc;
                for (int ic = i0; ic < i1; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, i1 - ic);
                    float* packedA = ownA;
                    if (wholeA == null) Packing.PackA(problem, ic, mc, pc, kc, packedA);
                    else packedA = wholeA + (long)pc * paddedM + (long)ic * kc;
                    for (int jr = 0; jr < nc; jr += NR)
                    {
                        int nr = Math.Min(NR, nc - jr);
                        float* bPanel = packedB + jr * kc;
                        for (int ir = 0; ir < mc; ir += MR)
                        {
                            int mr = Math.Min(MR, mc - ir);
                            float* aPanel = packedA + ir * kc;
                            float* cTile = problem.C + (long)(ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR)
                                Kernel(path, kc, aPanel, bPanel, cTile, ldc, overwrite, alpha);
                            else
                                EdgeTile(path, kc, aPanel, bPanel, cTile, ldc, mr, nr, overwrite, alpha, edge);
                        }
                    }
                }
            }
        }
    }

    // A partial tile runs the full kernel on a scratch copy, so its elements get exactly the arithmetic
    // they would get inside a full tile (the packed panels are zero-padded).
    private static void EdgeTile(KernelPath path, int kc, float* a, float* b, float* c, int ldc, int mr, int nr, bool overwrite, float alpha, float* scratch)
    {
        if (!overwrite)
            for (int i = 0; i < mr; i++)
                new ReadOnlySpan<float>(c + (long)i * ldc, nr).CopyTo(new Span<float>(scratch + i * NR, nr));
        Kernel(path, kc, a, b, scratch, NR, overwrite, alpha);
        for (int i = 0; i < mr; i++)
            new ReadOnlySpan<float>(scratch + i * NR, nr).CopyTo(new Span<float>(c + (long)i * ldc, nr));
    }

    private static void Kernel(KernelPath path, int kc, float* a, float* b, float* c, int ldc, bool overwrite, float alpha)
    {
        switch (path)
        {
            case KernelPath.Avx256: MicroKernel.Avx256(kc, a, b, c, ldc, overwrite, alpha); break;
            case KernelPath.Vector128: MicroKernel.Vector128Path(kc, a, b, c, ldc, overwrite, alpha); break;
            default: MicroKernel.Scalar(kc, a, b, c, ldc, overwrite, alpha); break;
        }
    }
}
