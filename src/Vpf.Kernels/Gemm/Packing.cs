using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static Vpf.Kernels.Gemm.Blocking;

namespace Vpf.Kernels.Gemm;

/// <summary>
/// Copies blocks of A and B into the contiguous, zero-padded micro-panel layout the micro-kernel streams through:
/// packed A is a sequence of MR-row panels, each kc × MR with the MR values of one p adjacent; packed B is a
/// sequence of NR-column panels, each kc × NR. Whether an operand is stored transposed only changes how it is
/// read here, never the layout produced, which is why one micro-kernel serves all three product shapes.
/// </summary>
internal static unsafe class Packing
{
    /// <summary>Packs rows [i0, i0 + mc) and depth [p0, p0 + kc) of A into <paramref name="dst"/> (⌈mc/MR⌉·MR·kc floats).</summary>
    public static void PackA(in GemmProblem problem, int i0, int mc, int p0, int kc, float* dst)
    {
        int lda = problem.LdA;
        for (int ir = 0; ir < mc; ir += MR, dst += MR * kc)
        {
            int mr = Math.Min(MR, mc - ir);
            if (problem.ATransposed)
                PackAPanelTransposed(problem.A + (long)p0 * lda + i0 + ir, lda, mr, kc, dst);
            else
                PackAPanel(problem.A + (long)(i0 + ir) * lda + p0, lda, mr, kc, dst);
        }
    }

    /// <summary>Packs depth [p0, p0 + kc) and columns [j0, j0 + nc) of B into <paramref name="dst"/> (kc·⌈nc/NR⌉·NR floats).</summary>
    public static void PackB(in GemmProblem problem, int p0, int kc, int j0, int nc, float* dst, bool useAvx)
    {
        int ldb = problem.LdB;
        for (int jr = 0; jr < nc; jr += NR, dst += NR * kc)
        {
            int nr = Math.Min(NR, nc - jr);
            if (problem.BTransposed)
            {
                float* src = problem.B + (long)(j0 + jr) * ldb + p0;
                if (useAvx && nr == NR) PackBPanelTransposedAvx(src, ldb, kc, dst);
                else PackBPanelTransposed(src, ldb, nr, kc, dst);
            }
            else
                PackBPanel(problem.B + (long)p0 * ldb + j0 + jr, ldb, nr, kc, dst);
        }
    }

    // A stored row-major: the MR values of one p come from MR different rows.
    private static void PackAPanel(float* src, int lda, int mr, int kc, float* dst)
    {
        if (mr == MR)
        {
            float* r0 = src, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda;
            for (int p = 0; p < kc; p++, dst += MR)
            {
                dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p];
                dst[3] = r3[p]; dst[4] = r4[p]; dst[5] = r5[p];
            }
            return;
        }
        for (int p = 0; p < kc; p++, dst += MR)
            for (int ii = 0; ii < MR; ii++)
                dst[ii] = ii < mr ? src[(long)ii * lda + p] : 0f;
    }

    // A stored transposed (k×m): the MR values of one p are adjacent already.
    private static void PackAPanelTransposed(float* src, int lda, int mr, int kc, float* dst)
    {
        for (int p = 0; p < kc; p++, src += lda, dst += MR)
            for (int ii = 0; ii < MR; ii++)
                dst[ii] = ii < mr ? src[ii] : 0f;
    }

    // B stored row-major: each p contributes NR adjacent values, a plain copy.
    private static void PackBPanel(float* src, int ldb, int nr, int kc, float* dst)
    {
        if (nr == NR)
        {
            for (int p = 0; p < kc; p++, src += ldb, dst += NR)
                Unsafe.CopyBlockUnaligned(dst, src, NR * sizeof(float));
            return;
        }
        for (int p = 0; p < kc; p++, src += ldb, dst += NR)
            for (int jj = 0; jj < NR; jj++)
                dst[jj] = jj < nr ? src[jj] : 0f;
    }

    // B stored transposed (n×k): column j of B is a contiguous row, so the panel is a transpose.
    private static void PackBPanelTransposed(float* src, int ldb, int nr, int kc, float* dst)
    {
        for (int jj = 0; jj < NR; jj++)
        {
            float* row = src + (long)jj * ldb;
            if (jj < nr)
                for (int p = 0; p < kc; p++) dst[p * NR + jj] = row[p];
            else
                for (int p = 0; p < kc; p++) dst[p * NR + jj] = 0f;
        }
    }

    // When the rows of A are few, packing B is a visible share of the work (each packed value feeds only m
    // multiply-adds), so the transposing pack moves 8×8 blocks through registers instead of single floats.
    private static void PackBPanelTransposedAvx(float* src, int ldb, int kc, float* dst)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            Transpose8x8(src + p, ldb, dst + p * NR);
            Transpose8x8(src + 8L * ldb + p, ldb, dst + p * NR + 8);
        }
        for (; p < kc; p++)
            for (int jj = 0; jj < NR; jj++)
                dst[p * NR + jj] = src[(long)jj * ldb + p];
    }

    /// <summary>Reads 8 rows of 8 floats (row stride <paramref name="ld"/>) and writes them as 8 columns with row stride NR.</summary>
    private static void Transpose8x8(float* src, int ld, float* dst)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2L * ld);
        Vector256<float> r3 = Avx.LoadVector256(src + 3L * ld);
        Vector256<float> r4 = Avx.LoadVector256(src + 4L * ld);
        Vector256<float> r5 = Avx.LoadVector256(src + 5L * ld);
        Vector256<float> r6 = Avx.LoadVector256(src + 6L * ld);
        Vector256<float> r7 = Avx.LoadVector256(src + 7L * ld);

        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst + 0 * NR, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + 1 * NR, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * NR, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * NR, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * NR, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * NR, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * NR, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * NR, Avx.Permute2x128(s3, s7, 0x31));
    }
}
