namespace Vpf.Bench;

/// <summary>Which public matrix-product entry point a benchmark case calls.</summary>
public enum ProductKind { Multiply, MultiplyByTransposed, AccumulateTransposedProduct }

/// <summary>
/// One benchmarked product with the dimensions of the logical product C (m×n) = A (m×k)·B (k×n).
/// <see cref="ToString"/> is the row name, shared with bench/openblas_sgemm.py so the two tables line up.
/// </summary>
public sealed record ProductCase(ProductKind Kind, int M, int K, int N)
{
    /// <summary>Floating-point operations of one call: a multiply and an add per term.</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>The training shapes: batches of 100 and 1000 against 784×500 and 500×1000 weights.</summary>
    public static IEnumerable<ProductCase> TrainingShapes()
    {
        foreach (int batch in new[] { 100, 1000 })
            foreach (var (rows, columns) in new[] { (784, 500), (500, 1000) })
            {
                yield return new(ProductKind.Multiply, batch, rows, columns);             // X·W
                yield return new(ProductKind.MultiplyByTransposed, batch, columns, rows); // Y·Wᵀ
                yield return new(ProductKind.AccumulateTransposedProduct, rows, batch, columns); // Xᵀ·D
            }
    }

    public override string ToString() => Kind switch
    {
        ProductKind.Multiply => $"A·B {M}x{K}·{K}x{N}",
        ProductKind.MultiplyByTransposed => $"A·Bt {M}x{K}·({N}x{K})t",
        _ => $"At·B ({K}x{M})t·{K}x{N}",
    };
}
