namespace Vpf.Core.Data;

/// <summary>
/// Seeded random permutations that are the same on every platform and .NET version (System.Random
/// makes no such promise): Fisher–Yates driven by SplitMix64.
/// </summary>
internal static class Permutation
{
    /// <summary>A permutation of 0 … n−1 determined by <paramref name="seed"/>.</summary>
    public static int[] Create(int n, ulong seed)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
            order[i] = i;
        ulong state = seed;
        for (int i = n - 1; i > 0; i--)
        {
            // Multiply-high maps 64 random bits onto [0, i]; the bias is below 2^-32 for any int n.
            int j = (int)Math.BigMul(Next(ref state), (ulong)(i + 1), out _);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return z ^ (z >> 31);
    }
}
