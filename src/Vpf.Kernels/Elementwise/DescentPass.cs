using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// The optimiser's element-wise pass over one parameter tensor, θ ← rule(θ, g), and the split of such passes into
/// contiguous blocks over <see cref="KernelSettings.MaxThreads"/> threads.
/// </summary>
internal static unsafe class DescentPass
{
    /// <summary>
    /// Fewest elements per thread worth a thread: an Adam step costs about a quarter of a nanosecond per element, so
    /// below this (about 16 µs of one core's work) waking a second thread costs more than it saves, and small models
    /// stay on the calling thread. Tests lower it to force splits of small shapes.
    /// </summary>
    internal static long MinElementsPerThread = 1 << 16;

    /// <summary>
    /// Threads for a pass over <paramref name="elements"/> elements cut into at most <paramref name="blocks"/> blocks: a
    /// function of the size and <see cref="KernelSettings.MaxThreads"/> only, so a given thread count always splits alike.
    /// </summary>
    public static int Threads(long elements, int blocks) =>
        (int)Math.Clamp(Math.Min(elements / MinElementsPerThread, blocks), 1, KernelSettings.MaxThreads);

    /// <summary>
    /// Start of block <paramref name="t"/> of <paramref name="threads"/> over <paramref name="count"/> items, in whole
    /// groups of <paramref name="group"/> items (the last block takes the remainder).
    /// </summary>
    public static int BlockStart(int count, int group, int t, int threads)
    {
        int groups = (count + group - 1) / group;
        return (int)Math.Min(count, (long)groups * t / threads * group);
    }

    /// <summary>
    /// Applies <paramref name="rule"/> to all <paramref name="n"/> elements, split over threads when the tensor is large.
    /// Each element gets the same arithmetic on every width and in every block, so the bits do not depend on the split.
    /// </summary>
    public static void Elements<TRule>(float* theta, float* gradient, int n, TRule rule) where TRule : struct, IDescentRule
    {
        int width = VectorPath.Current;
        // Blocks are whole multiples of 8 elements so that every block but the last runs entirely in vectors.
        int threads = Threads(n, (n + 7) / 8);
        if (threads == 1)
        {
            Range(theta, gradient, 0, n, ref rule, width);
            return;
        }
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            TRule local = rule;
            Range(theta, gradient, BlockStart(n, 8, t, threads), BlockStart(n, 8, t + 1, threads), ref local, width);
        });
    }

    // Vector body and a SCALAR tail: the rule reads and writes θ and its state, so an overlapping last vector would apply
    // it twice to the overlapped elements.
    private static void Range<TRule>(float* theta, float* g, int start, int end, ref TRule rule, int width) where TRule : struct, IDescentRule
    {
        int i = start;
        if (width >= 256)
            for (; i <= end - Vector256<float>.Count; i += Vector256<float>.Count)
                rule.Step(Vector256.Load(theta + i), Vector256.Load(g + i), i).Store(theta + i);
        else if (width >= 128)
            for (; i <= end - Vector128<float>.Count; i += Vector128<float>.Count)
                rule.Step(Vector128.Load(theta + i), Vector128.Load(g + i), i).Store(theta + i);
        for (; i < end; i++) theta[i] = rule.Step(theta[i], g[i], i);
    }
}
