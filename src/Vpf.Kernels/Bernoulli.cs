namespace Vpf.Kernels;

/// <summary>
/// Spikes from firing rates: dst[i] = 1 when U(key, i) &lt; p[i], else 0, with U a counter-based uniform
/// generator. Each element depends only on (key, i), so every vector path and every thread count
/// draws exactly the same spikes.
/// </summary>
public static class Bernoulli
{
    /// <summary>Draws one Bernoulli sample per probability; element i uses counter i of stream <paramref name="key"/>.</summary>
    public static void Sample(ReadOnlySpan<float> probabilities, Span<float> spikes, ulong key)
    {
        for (int i = 0; i < probabilities.Length; i++)
            spikes[i] = CounterRandom.Uniform(key, (uint)i) < probabilities[i] ? 1f : 0f;
    }
}

/// <summary>A counter-based generator: a uniform float in [0, 1) from a stream key and a counter, by integer hashing.</summary>
public static class CounterRandom
{
    /// <summary>The uniform number of counter <paramref name="counter"/> in stream <paramref name="key"/>: 24 random bits scaled to [0, 1).</summary>
    public static float Uniform(ulong key, uint counter)
    {
        uint h = Mix(counter ^ (uint)key);
        h = Mix(h + (uint)(key >> 32) + 0x9E3779B9u);
        return (h >> 8) * (1f / 16777216f);
    }

    // lowbias32 (integer hash with low avalanche bias): two multiply-xorshift rounds.
    internal static uint Mix(uint x)
    {
        x ^= x >> 16; x *= 0x7feb352du;
        x ^= x >> 15; x *= 0x846ca68bu;
        x ^= x >> 16;
        return x;
    }

    /// <summary>Derives a well-spread stream key from a seed and up to two indices (e.g. epoch and batch) by SplitMix64.</summary>
    public static ulong StreamKey(ulong seed, ulong a = 0, ulong b = 0)
    {
        ulong z = SplitMix(seed ^ SplitMix(a ^ SplitMix(b)));
        return z;
    }

    private static ulong SplitMix(ulong z)
    {
        z += 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return z ^ (z >> 31);
    }
}
