using Vpf.Kernels;

namespace Vpf.Core.Data;

/// <summary>Turns byte intensities into packed bits by a <see cref="BinarisationOptions"/> rule.</summary>
internal static class Binariser
{
    /// <summary>
    /// Packs <paramref name="count"/> rows of <paramref name="dimension"/> intensities into
    /// <paramref name="bits"/> (zeroed, <paramref name="wordsPerRow"/> words per row). The stochastic
    /// stream of row r is keyed by (seed, <paramref name="firstRow"/> + r, <paramref name="streamSalt"/>); the salt lets two sets
    /// loaded with one seed (train and test) draw independent noise, and the first row's number in its file makes a
    /// part read alone binarise as it would within the whole file.
    /// </summary>
    public static void Pack(ReadOnlySpan<byte> pixels, int count, int dimension, BinarisationOptions options,
        ulong streamSalt, Span<ulong> bits, int wordsPerRow, int firstRow = 0)
    {
        if (options.Mode == Binarisation.Threshold)
        {
            // A table evaluating the documented rule "intensity / 255 >= fraction" literally, once per
            // byte value, rather than a derived integer cut-off whose rounding would need its own proof.
            Span<bool> on = stackalloc bool[256];
            for (int i = 0; i < 256; i++)
                on[i] = i / 255.0 >= options.ThresholdFraction;
            for (int r = 0; r < count; r++)
            {
                ReadOnlySpan<byte> row = pixels.Slice(r * dimension, dimension);
                Span<ulong> words = bits.Slice(r * wordsPerRow, wordsPerRow);
                for (int c = 0; c < row.Length; c++)
                    if (on[row[c]])
                        words[c >> 6] |= 1UL << (c & 63);
            }
        }
        else
        {
            Span<float> probability = stackalloc float[256];
            for (int i = 0; i < 256; i++)
                probability[i] = (float)(i / 255.0); // 255 gives exactly 1: always on, since U < 1
            for (int r = 0; r < count; r++)
            {
                ulong key = CounterRandom.StreamKey(options.Seed, (ulong)(firstRow + r), streamSalt);
                ReadOnlySpan<byte> row = pixels.Slice(r * dimension, dimension);
                Span<ulong> words = bits.Slice(r * wordsPerRow, wordsPerRow);
                for (int c = 0; c < row.Length; c++)
                    if (CounterRandom.Uniform(key, (uint)c) < probability[row[c]])
                        words[c >> 6] |= 1UL << (c & 63);
            }
        }
    }
}
