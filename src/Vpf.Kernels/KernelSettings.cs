using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// Process-wide knobs of the kernels: how many threads a batch is split over, and the one switch of vector width that
/// every SIMD path of the solution obeys (so that each can be tested against its scalar path).
/// </summary>
public static class KernelSettings
{
    private static int _maxThreads = Environment.ProcessorCount;

    /// <summary>
    /// Largest number of threads one kernel call may use (default: all cores). Results do not
    /// depend on it: work is split so that every element is computed by the same arithmetic. The one exception is the
    /// last bits of the bias shifts of a centered optimiser step on a large weight matrix, whose sums over rows are
    /// split over the threads: they are the same for a given thread count.
    /// </summary>
    public static int MaxThreads
    {
        get => _maxThreads;
        set => _maxThreads = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "MaxThreads must be at least 1.");
    }

    /// <summary>
    /// Widest vector (in bits: 256, 128 or 0 for scalar) the kernels may use. Internal so that tests can
    /// run the 256-bit, 128-bit and scalar paths on one machine and compare them.
    /// </summary>
    internal static int MaxVectorBits { get; set; } = 256;

    /// <summary>
    /// The vector width the SIMD paths use now: 256 or 128 bits when allowed and accelerated, 0 for the scalar path.
    /// </summary>
    public static int VectorBits => VectorPath.Current;
}
