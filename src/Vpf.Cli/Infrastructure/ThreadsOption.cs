using Vpf.Kernels;

namespace Vpf.Cli;

/// <summary>The <c>--threads</c> option shared by every command, including those without data options.</summary>
internal static class ThreadsOption
{
    /// <summary>Checks <paramref name="threads"/> (0 = all cores) and sets the kernels' thread count.</summary>
    public static void Apply(int threads)
    {
        if (threads < 0) throw new UsageException("--threads", $"must be ≥ 0 (0 = all cores); got {threads}.");
        KernelSettings.MaxThreads = threads == 0 ? Environment.ProcessorCount : threads;
    }
}
