using Vpf.Kernels.Gemm;

namespace Vpf.Kernels.Tests;

/// <summary>
/// Tests that change the process-wide <see cref="KernelSettings"/> must not run beside any other test
/// that calls a kernel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MatrixProductSettingsCollection
{
    public const string Name = "MatrixProduct kernel settings";
}

/// <summary>The three public product shapes, so that one test body covers all of them.</summary>
public enum ProductShape { Multiply, MultiplyByTransposed, AccumulateTransposedProduct }

/// <summary>Sets kernel settings for one test and restores the previous ones on dispose.</summary>
internal sealed class SettingsScope : IDisposable
{
    private readonly int _bits = KernelSettings.MaxVectorBits;
    private readonly int _threads = KernelSettings.MaxThreads;
    private readonly long _minWork = GemmDriver.MinWorkPerThread;

    public SettingsScope(int vectorBits, int threads = 2, long minWorkPerThread = -1)
    {
        KernelSettings.MaxVectorBits = vectorBits;
        KernelSettings.MaxThreads = threads;
        if (minWorkPerThread > 0) GemmDriver.MinWorkPerThread = minWorkPerThread;
    }

    public void Dispose()
    {
        KernelSettings.MaxVectorBits = _bits;
        KernelSettings.MaxThreads = _threads;
        GemmDriver.MinWorkPerThread = _minWork;
    }
}

/// <summary>Operand generation, the public entry points by shape, and a double-precision reference.</summary>
internal static class MatrixProductTestData
{
    public static float[] Random(Random rng, int length, int offset = 0)
    {
        var values = new float[offset + length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>Stored lengths of A and B for a logical m×k by k×n product of the given shape.</summary>
    public static (int A, int B) Lengths(int m, int k, int n) => (m * k, k * n);

    public static void Invoke(ProductShape shape, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int k, int n, bool accumulate, float alpha)
    {
        switch (shape)
        {
            case ProductShape.Multiply: MatrixProduct.Multiply(a, b, c, m, k, n, accumulate); break;
            case ProductShape.MultiplyByTransposed: MatrixProduct.MultiplyByTransposed(a, b, c, m, k, n, accumulate); break;
            default: MatrixProduct.AccumulateTransposedProduct(a, b, c, m, k, n, alpha); break;
        }
    }

    /// <summary>
    /// The exact-as-double result for C (m×n) and, per element, Σ|alpha·a·b| + |c₀|, the scale of the float
    /// rounding error. The transposed product always accumulates; the others ignore <paramref name="alpha"/>.
    /// </summary>
    public static (double[] Expected, double[] Scale) Reference(ProductShape shape, ReadOnlySpan<float> a, ReadOnlySpan<float> b,
        ReadOnlySpan<float> c0, int m, int k, int n, bool accumulate, float alpha)
    {
        if (shape != ProductShape.AccumulateTransposedProduct) alpha = 1f;
        else accumulate = true;
        var expected = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double x = shape == ProductShape.AccumulateTransposedProduct ? a[p * m + i] : a[i * k + p];
                    double y = shape == ProductShape.MultiplyByTransposed ? b[j * k + p] : b[p * n + j];
                    sum += x * y;
                    magnitude += Math.Abs(x * y);
                }
                double start = accumulate ? c0[i * n + j] : 0;
                expected[i * n + j] = start + alpha * sum;
                scale[i * n + j] = Math.Abs(start) + Math.Abs(alpha) * magnitude;
            }
        return (expected, scale);
    }

    /// <summary>Asserts every element within float rounding of a k-term sum: 1e-5·(1 + scale).</summary>
    public static void AssertClose(double[] expected, double[] scale, ReadOnlySpan<float> actual, string context)
    {
        for (int e = 0; e < expected.Length; e++)
        {
            double tolerance = 1e-5 * (1 + scale[e]);
            if (!(Math.Abs(actual[e] - expected[e]) <= tolerance))
                Assert.Fail($"{context}: element {e} is {actual[e]}, expected {expected[e]} ± {tolerance}.");
        }
    }
}
