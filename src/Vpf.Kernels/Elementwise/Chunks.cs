namespace Vpf.Kernels.Elementwise;

/// <summary>The work of one chunk of a kernel call (a struct so that the per-chunk call is not virtual).</summary>
internal interface IChunkBody
{
    /// <summary>Processes chunk <paramref name="chunk"/>.</summary>
    void Run(int chunk);
}

/// <summary>
/// Splits a call into fixed-size chunks and spreads them over <see cref="KernelSettings.MaxThreads"/> threads.
/// The chunk boundaries depend only on the problem size, never on the thread count, so every element
/// (and every per-chunk partial sum) is computed by the same arithmetic whatever the number of threads.
/// </summary>
internal static class Chunks
{
    /// <summary>Elements per chunk: a multiple of every vector width (64 KB of floats per operand).</summary>
    public const int Size = 16384;

    /// <summary>Compute-bound calls (an exponential or a hash per element) with fewer elements run on the calling thread.</summary>
    public const long ParallelThreshold = 32768;

    /// <summary>
    /// Memory-bound calls (a multiply-add per element) with fewer elements run on the calling thread: below a few MB
    /// the thread hand-off costs more than the second core gains.
    /// </summary>
    public const long MemoryBoundParallelThreshold = 1 << 20;

    /// <summary>Number of chunks of <paramref name="length"/> elements.</summary>
    public static int Count(long length) => (int)((length + Size - 1) / Size);

    /// <summary>Whether a call over <paramref name="length"/> elements is split over threads.</summary>
    public static bool IsParallel(long length, long threshold = ParallelThreshold) => length >= threshold && KernelSettings.MaxThreads > 1;

    /// <summary>Runs every chunk of <paramref name="length"/> elements, on several threads when the call is large.</summary>
    public static void Run<TBody>(long length, TBody body, long threshold = ParallelThreshold) where TBody : struct, IChunkBody
    {
        int count = Count(length);
        if (!IsParallel(length, threshold) || count < 2)
        {
            for (int c = 0; c < count; c++) body.Run(c);
            return;
        }
        RunParallel(count, body);
    }

    /// <summary>Runs chunks 0..count−1 on up to MaxThreads threads, each thread taking a contiguous range of chunks.</summary>
    public static void RunParallel<TBody>(int count, TBody body) where TBody : struct, IChunkBody
    {
        int threads = Math.Min(KernelSettings.MaxThreads, count);
        // One closure per call (not per element or chunk).
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int first = (int)((long)count * t / threads), end = (int)((long)count * (t + 1) / threads);
            TBody local = body;
            for (int c = first; c < end; c++) local.Run(c);
        });
    }
}
