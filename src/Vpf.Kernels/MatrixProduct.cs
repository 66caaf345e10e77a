using Vpf.Kernels.Gemm;

namespace Vpf.Kernels;

/// <summary>
/// The three matrix-product shapes VPF training needs, on row-major contiguous single-precision
/// matrices: X·W (fields from the layer below), X·Wᵀ (fields from the layer above) and the
/// accumulation Xᵀ·D of a weight gradient.
/// </summary>
public static class MatrixProduct
{
    /// <summary>C = A·B, or C += A·B when <paramref name="accumulate"/> is set. A is m×k, B is k×n, C is m×n.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        Validate(a.Length, b.Length, c.Length, m, k, n);
        GemmDriver.Run(a, b, c, m, k, n, aTransposed: false, bTransposed: false, accumulate, 1f);
    }

    /// <summary>C = A·Bᵀ, or C += A·Bᵀ when <paramref name="accumulate"/> is set. A is m×k, B is n×k, C is m×n.</summary>
    public static void MultiplyByTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        Validate(a.Length, b.Length, c.Length, m, k, n);
        GemmDriver.Run(a, b, c, m, k, n, aTransposed: false, bTransposed: true, accumulate, 1f);
    }

    /// <summary>C += alpha·Aᵀ·B. A is k×m, B is k×n, C is m×n (a weight gradient: k is the batch).</summary>
    public static void AccumulateTransposedProduct(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, float alpha = 1f)
    {
        Validate(a.Length, b.Length, c.Length, m, k, n);
        GemmDriver.Run(a, b, c, m, k, n, aTransposed: true, bTransposed: false, accumulate: true, alpha);
    }

    // Spans longer than needed are accepted (only the leading elements are used), so that callers can pass
    // slices of pooled buffers; shorter ones would make the kernels read or write out of bounds.
    private static void Validate(int aLength, int bLength, int cLength, int m, int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        RequireLength(aLength, (long)m * k, "a");
        RequireLength(bLength, (long)k * n, "b");
        RequireLength(cLength, (long)m * n, "c");
    }

    private static void RequireLength(int given, long needed, string name)
    {
        if (given < needed)
            throw new ArgumentException($"{name} needs {needed} elements for the given dimensions but has {given}.", name);
    }
}
