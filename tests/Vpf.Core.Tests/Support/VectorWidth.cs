using Vpf.Kernels;

namespace Vpf.Core.Tests.Support;

/// <summary>
/// Every test class that changes <see cref="KernelSettings"/> (the one vector-width switch of the solution) joins this
/// collection, which runs on its own so that no other test sees a changed width.
/// </summary>
[CollectionDefinition("KernelSettings", DisableParallelization = true)]
public sealed class KernelSettingsCollection { }

/// <summary>Runs code under a given vector width, restoring the setting.</summary>
internal static class VectorWidth
{
    /// <summary>Returns <paramref name="f"/> computed with at most <paramref name="bits"/>-bit vectors (0: scalar).</summary>
    public static T Run<T>(int bits, Func<T> f)
    {
        int saved = KernelSettings.MaxVectorBits;
        KernelSettings.MaxVectorBits = bits;
        try { return f(); }
        finally { KernelSettings.MaxVectorBits = saved; }
    }

    /// <summary>Runs <paramref name="action"/> with at most <paramref name="bits"/>-bit vectors.</summary>
    public static void Run(int bits, Action action) => Run(bits, () => { action(); return 0; });
}
