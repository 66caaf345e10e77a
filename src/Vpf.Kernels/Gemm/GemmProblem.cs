namespace Vpf.Kernels.Gemm;

/// <summary>
/// One product C (m×n) = or += alpha·A·B on pinned memory, with A (m×k) and B (k×n) each stored either
/// row-major or transposed. All three public shapes reduce to this, so one driver and one micro-kernel serve them;
/// only the packing routines read A or B in a different order.
/// </summary>
internal readonly unsafe struct GemmProblem
{
    public readonly float* A;
    public readonly float* B;
    public readonly float* C;
    public readonly int M, K, N;

    /// <summary>False: A(i, p) = A[i·k + p]. True: A is stored k×m, A(i, p) = A[p·m + i].</summary>
    public readonly bool ATransposed;

    /// <summary>False: B(p, j) = B[p·n + j]. True: B is stored n×k, B(p, j) = B[j·k + p].</summary>
    public readonly bool BTransposed;

    /// <summary>When false the first depth block overwrites C instead of adding to it.</summary>
    public readonly bool Accumulate;

    public readonly float Alpha;

    public GemmProblem(float* a, float* b, float* c, int m, int k, int n, bool aTransposed, bool bTransposed, bool accumulate, float alpha)
    {
        A = a; B = b; C = c; M = m; K = k; N = n;
        ATransposed = aTransposed; BTransposed = bTransposed; Accumulate = accumulate; Alpha = alpha;
    }

    /// <summary>Distance between consecutive rows of stored A (row-major: along i; transposed: along p).</summary>
    public int LdA => ATransposed ? M : K;

    /// <summary>Distance between consecutive rows of stored B (row-major: along p; transposed: along j).</summary>
    public int LdB => BTransposed ? K : N;
}
