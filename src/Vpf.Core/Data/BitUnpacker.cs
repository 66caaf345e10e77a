using System.Runtime.Intrinsics;

namespace Vpf.Core.Data;

/// <summary>Expands packed bits (bit j of word j / 64, least significant first) into 0f/1f floats.</summary>
internal static class BitUnpacker
{
    /// <summary>Writes destination.Length floats from the leading bits of <paramref name="words"/>.</summary>
    public static void Unpack(ReadOnlySpan<ulong> words, Span<float> destination)
    {
        int n = destination.Length, j = 0;
        // KernelSettings decides, so tests can check both paths on one machine.
        if (Vpf.Kernels.KernelSettings.VectorBits >= 256)
        {
            // Eight bits at a time: broadcast the byte, keep one bit per lane, turn set lanes into 1f.
            Vector256<uint> lanes = Vector256.Create(1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u);
            Vector256<float> one = Vector256.Create(1f);
            for (; j + 8 <= n; j += 8)
            {
                uint b = (uint)(words[j >> 6] >> (j & 63)) & 0xff;
                Vector256<uint> set = Vector256.Equals(Vector256.Create(b) & lanes, lanes);
                (set.AsSingle() & one).CopyTo(destination.Slice(j, 8));
            }
        }
        for (; j < n; j++)
            destination[j] = (words[j >> 6] >> (j & 63)) & 1;
    }
}
