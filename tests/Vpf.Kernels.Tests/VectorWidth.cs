using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels.Tests;

/// <summary>Runs test code under each kernel vector width (256, 128, scalar) or thread count, restoring the settings.</summary>
internal static class VectorWidth
{
    /// <summary>The widths a kernel can be limited to.</summary>
    public static readonly int[] All = [256, 128, 0];

    /// <summary>Runs <paramref name="action"/> once per width, passing the width.</summary>
    public static void Each(Action<int> action)
    {
        foreach (int bits in All) Run(bits, () => action(bits));
    }

    /// <summary>Runs <paramref name="action"/> with <see cref="KernelSettings.MaxVectorBits"/> = <paramref name="bits"/>.</summary>
    public static void Run(int bits, Action action)
    {
        int saved = KernelSettings.MaxVectorBits;
        KernelSettings.MaxVectorBits = bits;
        try { action(); }
        finally { KernelSettings.MaxVectorBits = saved; }
    }

    /// <summary>Returns <paramref name="f"/> computed with <see cref="KernelSettings.MaxVectorBits"/> = <paramref name="bits"/>.</summary>
    public static T Run<T>(int bits, Func<T> f)
    {
        T result = default!;
        Run(bits, () => { result = f(); });
        return result;
    }

    /// <summary>Returns <paramref name="f"/> computed with <see cref="KernelSettings.MaxThreads"/> = <paramref name="threads"/>.</summary>
    public static T Threads<T>(int threads, Func<T> f)
    {
        int saved = KernelSettings.MaxThreads;
        KernelSettings.MaxThreads = threads;
        try { return f(); }
        finally { KernelSettings.MaxThreads = saved; }
    }

    /// <summary>The path the kernels take under the current setting, for messages.</summary>
    public static int Effective => VectorPath.Current;

    /// <summary>Whether the machine can run the 256-bit path.</summary>
    public static bool Has256 => Vector256.IsHardwareAccelerated;
}

/// <summary>Test data and comparisons.</summary>
internal static class Data
{
    /// <summary>Lengths every kernel is tried on: 0 … 3×8+1, then a sparser set up to 70.</summary>
    public static readonly int[] Lengths = [.. Enumerable.Range(0, 26), 31, 32, 33, 39, 40, 47, 63, 64, 65, 70];

    /// <summary>Uniform floats in [lo, hi).</summary>
    public static float[] Uniform(int n, float lo, float hi, int seed)
    {
        var random = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * random.NextSingle();
        return a;
    }

    /// <summary>|actual − expected| ≤ rel·|expected| + abs, with NaN matching NaN only.</summary>
    public static void Close(double expected, float actual, double rel, double abs, string where)
    {
        if (double.IsNaN(expected) || float.IsNaN(actual))
        {
            Assert.True(double.IsNaN(expected) && float.IsNaN(actual), $"{where}: expected {expected}, got {actual}");
            return;
        }
        double error = Math.Abs(actual - expected);
        Assert.True(error <= rel * Math.Abs(expected) + abs, $"{where}: expected {expected:R}, got {actual:R} (error {error:E3})");
    }

    /// <summary>Bitwise equality of two arrays (NaNs with the same payload compare equal).</summary>
    public static void BitEqual(float[] expected, float[] actual, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{where}: element {i} differs: {expected[i]:R} vs {actual[i]:R}");
    }

    /// <summary>Distance in units in the last place between two finite floats of the same sign.</summary>
    public static long Ulps(float a, float b)
        => Math.Abs((long)BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));
}
