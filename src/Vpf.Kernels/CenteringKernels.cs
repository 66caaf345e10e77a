using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// The per-update work of centered training on one weight matrix (vpf-math.md §8), each one pass over the matrix:
/// the gradient in centered coordinates, and the bias shifts of a step taken in them.
/// </summary>
internal static unsafe class CenteringKernels
{
    /// <summary>
    /// g[k, j] ← g[k, j] − (a[k]·gUpper[j] + gLower[k]·aUpper[j]) for g of shape a.Length × aUpper.Length: the weight
    /// gradient g_W − a_l ⊗ g_{b_{l+1}} − g_{b_l} ⊗ a_{l+1}, rounded as the plain loop rounds it (no fused multiply-add).
    /// </summary>
    public static void SubtractOffsetOuterProducts(Span<float> g, ReadOnlySpan<float> a, ReadOnlySpan<float> gUpper,
        ReadOnlySpan<float> gLower, ReadOnlySpan<float> aUpper)
    {
        int n = a.Length, m = aUpper.Length;
        Validate.Length(g.Length, (long)n * m, nameof(g), $"a.Length × aUpper.Length = {n} × {m}");
        Validate.Length(gLower.Length, n, nameof(gLower), $"a.Length = {n}");
        Validate.Length(gUpper.Length, m, nameof(gUpper), $"aUpper.Length = {m}");
        OuterPairs<SubtractOuterPairOperator>.Invoke(g, a, gUpper, gLower, aUpper, n, m);
    }

    /// <summary>
    /// For a weight matrix that moved from <paramref name="w0"/> to <paramref name="w"/> (n × m, n = a.Length,
    /// m = aUpper.Length), with d = w − w0 in double: upperShift[j] += Σ_i a[i]·d[i, j] (over i in order, rows with
    /// a[i] = 0 skipped) and lowerShift[i] = Σ_j d[i, j]·aUpper[j] (over j in order, from 0). Both are summed in
    /// double element by element in the order of the plain two loops, so the results equal theirs bit for bit; the
    /// 256-bit path reads each row once for both and sums four rows' dot products as the lanes of one vector.
    /// </summary>
    public static void AccumulateStepShifts(ReadOnlySpan<float> w, ReadOnlySpan<float> w0, ReadOnlySpan<float> a, ReadOnlySpan<float> aUpper,
        Span<double> upperShift, Span<double> lowerShift)
    {
        int n = a.Length, m = aUpper.Length;
        Validate.Length(w.Length, (long)n * m, nameof(w), $"a.Length × aUpper.Length = {n} × {m}");
        Validate.Length(w0.Length, (long)n * m, nameof(w0), $"a.Length × aUpper.Length = {n} × {m}");
        if (upperShift.Length < m) throw new ArgumentException($"upperShift has {upperShift.Length} elements; needs aUpper.Length = {m}.", nameof(upperShift));
        if (lowerShift.Length < n) throw new ArgumentException($"lowerShift has {lowerShift.Length} elements; needs a.Length = {n}.", nameof(lowerShift));
        fixed (float* pw = w, pw0 = w0, pa = a, pu = aUpper)
        fixed (double* up = upperShift, low = lowerShift)
        {
            int i = 0;
            if (VectorPath.Current >= 256 && Avx.IsSupported)
                for (; i <= n - 4; i += 4) FourRows(pw + (long)i * m, pw0 + (long)i * m, pa + i, pu, up, low + i, m);
            for (; i < n; i++) OneRow(pw + (long)i * m, pw0 + (long)i * m, pa[i], pu, up, low + i, m);
        }
    }

    private static void OneRow(float* w, float* w0, float ai, float* aUpper, double* upper, double* lower, int m)
    {
        double s = 0, a = ai;
        for (int j = 0; j < m; j++)
        {
            double d = (double)w[j] - w0[j];
            if (a != 0) upper[j] += a * d;
            s += d * aUpper[j];
        }
        *lower = s;
    }

    /// <summary>Rows i…i+3: the column shifts in row order, the four row sums as the lanes of one accumulator.</summary>
    private static void FourRows(float* w, float* w0, float* a, float* aUpper, double* upper, double* lower, int m)
    {
        float* w1 = w + m, w2 = w1 + m, w3 = w2 + m, v1 = w0 + m, v2 = v1 + m, v3 = v2 + m;
        double a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
        Vector256<double> c0 = Vector256.Create(a0), c1 = Vector256.Create(a1), c2 = Vector256.Create(a2), c3 = Vector256.Create(a3);
        Vector256<double> sums = Vector256<double>.Zero;
        int j = 0;
        for (; j <= m - 4; j += 4)
        {
            Vector256<double> d0 = Delta(w + j, w0 + j), d1 = Delta(w1 + j, v1 + j), d2 = Delta(w2 + j, v2 + j), d3 = Delta(w3 + j, v3 + j);

            Vector256<double> u = Avx.LoadVector256(upper + j);
            if (a0 != 0) u += c0 * d0;
            if (a1 != 0) u += c1 * d1;
            if (a2 != 0) u += c2 * d2;
            if (a3 != 0) u += c3 * d3;
            Avx.Store(upper + j, u);

            Vector256<double> au = Avx.ConvertToVector256Double(Sse.LoadVector128(aUpper + j));
            sums = AddColumnsInOrder(d0 * au, d1 * au, d2 * au, d3 * au, sums);
        }
        double s0 = sums.GetElement(0), s1 = sums.GetElement(1), s2 = sums.GetElement(2), s3 = sums.GetElement(3);
        for (; j < m; j++)
        {
            double d0 = (double)w[j] - w0[j], d1 = (double)w1[j] - v1[j], d2 = (double)w2[j] - v2[j], d3 = (double)w3[j] - v3[j];
            if (a0 != 0) upper[j] += a0 * d0;
            if (a1 != 0) upper[j] += a1 * d1;
            if (a2 != 0) upper[j] += a2 * d2;
            if (a3 != 0) upper[j] += a3 * d3;
            double au = aUpper[j];
            s0 += d0 * au;
            s1 += d1 * au;
            s2 += d2 * au;
            s3 += d3 * au;
        }
        lower[0] = s0;
        lower[1] = s1;
        lower[2] = s2;
        lower[3] = s3;
    }

    /// <summary>d = (double)w − (double)w0 for four floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Delta(float* w, float* w0) =>
        Avx.ConvertToVector256Double(Sse.LoadVector128(w)) - Avx.ConvertToVector256Double(Sse.LoadVector128(w0));

    /// <summary>
    /// Transposes the 4 × 4 block of products (row r in p_r, columns j…j+3) and adds its columns to the row sums in
    /// order, so that lane r sums row r in the order of its plain loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> AddColumnsInOrder(Vector256<double> p0, Vector256<double> p1, Vector256<double> p2, Vector256<double> p3, Vector256<double> sums)
    {
        Vector256<double> t0 = Avx.UnpackLow(p0, p1), t1 = Avx.UnpackHigh(p0, p1), t2 = Avx.UnpackLow(p2, p3), t3 = Avx.UnpackHigh(p2, p3);
        sums += Avx.Permute2x128(t0, t2, 0x20);
        sums += Avx.Permute2x128(t1, t3, 0x20);
        sums += Avx.Permute2x128(t0, t2, 0x31);
        return sums + Avx.Permute2x128(t1, t3, 0x31);
    }
}
