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

    [Fact]
    public void Thread_count_tests_use_sizes_that_are_split_over_threads()
    {
        VectorWidth.Threads(2, () =>
        {
            Assert.True(Chunks.IsParallel(100_003));   // Sigmoid, damped step, FlowTerms, Bernoulli tests
            Assert.True(Chunks.IsParallel(32_768));
            Assert.True(Chunks.IsParallel(1_100_003, Chunks.MemoryBoundParallelThreshold)); // AddScaled, column sums
            Assert.True(Chunks.IsParallel(1000 * 1051, Chunks.MemoryBoundParallelThreshold));
            Assert.True(Chunks.Count(100_003) > 2);
            return 0;
        });
        VectorWidth.Threads(1, () => { Assert.False(Chunks.IsParallel(1 << 24)); return 0; });
    }
}
