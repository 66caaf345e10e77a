using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>Expands a packed binary data row (bit j in word j / 64, least significant first) into 0f/1f states.</summary>
internal static unsafe class BitUnpacking
{
    /// <summary>
    /// Writes destination.Length states from the leading bits of <paramref name="words"/>; every width gives the same
    /// bits (see <see cref="BitToStateOperator"/>).
    /// </summary>
    public static void Unpack(ReadOnlySpan<ulong> words, Span<float> destination)
    {
        int n = destination.Length;
        Validate.Length(words.Length, ((long)n + 63) / 64, nameof(words), $"one bit for each of the {n} destination elements");
        int j = 0, width = VectorPath.Current;
        fixed (ulong* w = words)
        fixed (float* d = destination)
        {
            // A group of 8 (or 4) bits starts at a multiple of 8 (or 4), so it never straddles two words; the operator
            // reads only the low bits of the shifted word, so no mask is needed.
            if (width >= 256)
                for (; j <= n - Vector256<float>.Count; j += Vector256<float>.Count)
                    BitToStateOperator.Invoke256((uint)(w[j >> 6] >> (j & 63))).Store(d + j);
            else if (width >= 128)
                for (; j <= n - Vector128<float>.Count; j += Vector128<float>.Count)
                    BitToStateOperator.Invoke128((uint)(w[j >> 6] >> (j & 63))).Store(d + j);
            for (; j < n; j++) d[j] = BitToStateOperator.Invoke((uint)(w[j >> 6] >> (j & 63)));
        }
    }
}
