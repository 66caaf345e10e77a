using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Vpf.Kernels.Gemm.Blocking;

namespace Vpf.Kernels.Gemm;

/// <summary>
/// Register-blocked MR×NR (6×16) micro-kernels: C_tile = alpha·Σ_p a_p ⊗ b_p (overwrite) or C_tile += that,
/// from a packed kc×MR A panel and a packed kc×NR B panel. Every element is summed over p in ascending
/// order into its own accumulator and combined with C once, so an element's value depends only on k and the
/// depth blocking, never on which tile or thread computed it.
/// </summary>
internal static unsafe class MicroKernel
{
    /// <summary>AVX2+FMA: 12 accumulators of 8 floats, two B vectors and one broadcast A value per step.</summary>
    public static void Avx256(int kc, float* a, float* b, float* c, int ldc, bool overwrite, float alpha)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;

        // C is touched only after the whole depth loop: start bringing its 6 rows (up to 2 lines each) in now.
        if (Sse.IsSupported)
            for (int i = 0; i < MR; i++)
            {
                Sse.Prefetch0(c + (long)i * ldc);
                Sse.Prefetch0(c + (long)i * ldc + NR - 1);
            }

        // Two steps per iteration halve the loop overhead without extra registers.
        int p = 0;
        for (; p + 2 <= kc; p += 2, a += 2 * MR, b += 2 * NR)
        {
            Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8), x;
            x = Avx.BroadcastScalarToVector256(a + 0); c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a + 1); c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a + 2); c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a + 3); c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a + 4); c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a + 5); c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);

            b0 = Avx.LoadVector256(b + NR); b1 = Avx.LoadVector256(b + NR + 8);
            x = Avx.BroadcastScalarToVector256(a + MR + 0); c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a + MR + 1); c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a + MR + 2); c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a + MR + 3); c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a + MR + 4); c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a + MR + 5); c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
        }
        if (p < kc)
        {
            Vector256<float> b0 = Avx.LoadVector256(b), b1 = Avx.LoadVector256(b + 8), x;
            x = Avx.BroadcastScalarToVector256(a + 0); c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a + 1); c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a + 2); c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a + 3); c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a + 4); c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a + 5); c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
        }

        Vector256<float> s = Vector256.Create(alpha);
        Store256(c, c00, c01, s, overwrite); c += ldc;
        Store256(c, c10, c11, s, overwrite); c += ldc;
        Store256(c, c20, c21, s, overwrite); c += ldc;
        Store256(c, c30, c31, s, overwrite); c += ldc;
        Store256(c, c40, c41, s, overwrite); c += ldc;
        Store256(c, c50, c51, s, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> lo, Vector256<float> hi, Vector256<float> alpha, bool overwrite)
    {
        if (overwrite)
        {
            Avx.Store(c, Avx.Multiply(lo, alpha));
            Avx.Store(c + 8, Avx.Multiply(hi, alpha));
        }
        else
        {
            Avx.Store(c, Fma.MultiplyAdd(lo, alpha, Avx.LoadVector256(c)));
            Avx.Store(c + 8, Fma.MultiplyAdd(hi, alpha, Avx.LoadVector256(c + 8)));
        }
    }

    /// <summary>
    /// 128-bit: the 6×16 tile as two 6×8 halves, each with 12 accumulators of 4 floats, so it fits the 16
    /// registers of SSE-only machines. Uses FMA when present, separate multiply and add otherwise.
    /// </summary>
    public static void Vector128Path(int kc, float* a, float* b, float* c, int ldc, bool overwrite, float alpha)
    {
        Half128(kc, a, b, c, ldc, overwrite, alpha);
        Half128(kc, a, b + 8, c + 8, ldc, overwrite, alpha);
    }

    private static void Half128(int kc, float* a, float* b, float* c, int ldc, bool overwrite, float alpha)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector128<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4), x;
            x = Vector128.Create(a[0]); c00 = MulAdd(x, b0, c00); c01 = MulAdd(x, b1, c01);
            x = Vector128.Create(a[1]); c10 = MulAdd(x, b0, c10); c11 = MulAdd(x, b1, c11);
            x = Vector128.Create(a[2]); c20 = MulAdd(x, b0, c20); c21 = MulAdd(x, b1, c21);
            x = Vector128.Create(a[3]); c30 = MulAdd(x, b0, c30); c31 = MulAdd(x, b1, c31);
            x = Vector128.Create(a[4]); c40 = MulAdd(x, b0, c40); c41 = MulAdd(x, b1, c41);
            x = Vector128.Create(a[5]); c50 = MulAdd(x, b0, c50); c51 = MulAdd(x, b1, c51);
        }
        Vector128<float> s = Vector128.Create(alpha);
        Store128(c, c00, c01, s, overwrite); c += ldc;
        Store128(c, c10, c11, s, overwrite); c += ldc;
        Store128(c, c20, c21, s, overwrite); c += ldc;
        Store128(c, c30, c31, s, overwrite); c += ldc;
        Store128(c, c40, c41, s, overwrite); c += ldc;
        Store128(c, c50, c51, s, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MulAdd(Vector128<float> x, Vector128<float> y, Vector128<float> acc) =>
        Fma.IsSupported ? Fma.MultiplyAdd(x, y, acc) : acc + x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(float* c, Vector128<float> lo, Vector128<float> hi, Vector128<float> alpha, bool overwrite)
    {
        if (overwrite)
        {
            (lo * alpha).Store(c);
            (hi * alpha).Store(c + 4);
        }
        else
        {
            MulAdd(lo, alpha, Vector128.Load(c)).Store(c);
            MulAdd(hi, alpha, Vector128.Load(c + 4)).Store(c + 4);
        }
    }

    /// <summary>Scalar fallback for machines (or test settings) without usable vectors.</summary>
    public static void Scalar(int kc, float* a, float* b, float* c, int ldc, bool overwrite, float alpha)
    {
        float* acc = stackalloc float[MR * NR];
        new Span<float>(acc, MR * NR).Clear();
        for (int p = 0; p < kc; p++, a += MR, b += NR)
            for (int i = 0; i < MR; i++)
            {
                float x = a[i];
                float* row = acc + i * NR;
                for (int j = 0; j < NR; j++) row[j] += x * b[j];
            }
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++)
            {
                float v = alpha * acc[i * NR + j];
                c[i * ldc + j] = overwrite ? v : c[i * ldc + j] + v;
            }
    }
}
