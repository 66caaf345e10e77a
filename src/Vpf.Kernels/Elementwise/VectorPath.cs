using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>Which vector width a kernel call uses, decided once per call from <see cref="KernelSettings.MaxVectorBits"/>.</summary>
internal static class VectorPath
{
    /// <summary>256 when allowed and accelerated, else 128 when allowed and accelerated, else 0 (scalar).</summary>
    public static int Current
    {
        get
        {
            int bits = KernelSettings.MaxVectorBits;
            if (bits >= 256 && Vector256.IsHardwareAccelerated) return 256;
            if (bits >= 128 && Vector128.IsHardwareAccelerated) return 128;
            return 0;
        }
    }
}
