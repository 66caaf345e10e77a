using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels.Tests;

[Collection("KernelSettings")]
public sealed class KernelSettingsTests
{
    [Fact]
    public void Vector_width_setting_selects_the_path()
    {
        VectorWidth.Run(256, () => Assert.Equal(Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0, VectorPath.Current));
        VectorWidth.Run(128, () => Assert.Equal(Vector128.IsHardwareAccelerated ? 128 : 0, VectorPath.Current));
        VectorWidth.Run(0, () => Assert.Equal(0, VectorPath.Current));
        Assert.Equal(256, KernelSettings.MaxVectorBits); // the default is restored
    }

    [Fact]
    public void MaxThreads_must_be_positive_and_is_restored()
    {
        int saved = KernelSettings.MaxThreads;
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelSettings.MaxThreads = 0);
        Assert.Equal(saved, KernelSettings.MaxThreads);
        Assert.Equal(1, VectorWidth.Threads(1, () => KernelSettings.MaxThreads));
        Assert.Equal(saved, KernelSettings.MaxThreads);
    }
}
