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
        // Reference implementation; the blocked SIMD version replaces the body, not the contract.
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = accumulate ? c[i * n + j] : 0f;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = s;
            }
    }

    /// <summary>C = A·Bᵀ, or C += A·Bᵀ when <paramref name="accumulate"/> is set. A is m×k, B is n×k, C is m×n.</summary>
    public static void MultiplyByTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, bool accumulate = false)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = accumulate ? c[i * n + j] : 0f;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
                c[i * n + j] = s;
            }
    }

    /// <summary>C += alpha·Aᵀ·B. A is k×m, B is k×n, C is m×n (a weight gradient: k is the batch).</summary>
    public static void AccumulateTransposedProduct(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int k, int m, int n, float alpha = 1f)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0f;
                for (int p = 0; p < k; p++) s += a[p * m + i] * b[p * n + j];
                c[i * n + j] += alpha * s;
            }
    }
}
