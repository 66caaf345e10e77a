using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// Spikes from firing rates: dst[i] = 1 when U(key, i) &lt; p[i], else 0, with U a counter-based uniform
/// generator. Each element depends only on (key, i), so every vector path and every thread count
/// draws exactly the same spikes.
/// </summary>
public static class Bernoulli
{
    /// <summary>Draws one Bernoulli sample per probability; element i uses counter i of stream <paramref name="key"/>.</summary>
    public static void Sample(ReadOnlySpan<float> probabilities, Span<float> spikes, ulong key) => SampleFrom(probabilities, spikes, key, 0);

    /// <summary>
    /// Draws one Bernoulli sample per probability; element i uses counter <paramref name="firstCounter"/> + i of stream
    /// <paramref name="key"/>. A slice of a larger batch drawn with its offset into that batch gets exactly the spikes
    /// the whole batch would have given it (a separate name, not an overload, so that existing cref links stay unambiguous),
    /// which is what lets a shard of a mini-batch draw the same spikes on any process.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The counters would run past 2^32.</exception>
    public static void SampleFrom(ReadOnlySpan<float> probabilities, Span<float> spikes, ulong key, uint firstCounter)
    {
        int length = probabilities.Length;
        Validate.Length(spikes.Length, length, nameof(spikes), $"probabilities.Length = {length}");
        Validate.SameOrDisjoint(probabilities, spikes[..length], nameof(probabilities), nameof(spikes));
        if ((ulong)firstCounter + (ulong)length > 1ul << 32)
            throw new ArgumentOutOfRangeException(nameof(firstCounter), firstCounter, $"counters {firstCounter} + {length} run past 2^32.");
        var (key0, key1) = CounterRandom.KeyWords(key);
        CounterMap<BernoulliOperator>.Invoke(probabilities, spikes, length, key0, key1, firstCounter);
    }
}

/// <summary>A counter-based generator: a uniform float in [0, 1) from a stream key and a counter, by integer hashing.</summary>
public static class CounterRandom
{
    /// <summary>The uniform number of counter <paramref name="counter"/> in stream <paramref name="key"/>: 24 random bits scaled to [0, 1).</summary>
    public static float Uniform(ulong key, uint counter)
    {
        var (key0, key1) = KeyWords(key);
        return ToUnit(Hash(counter, key0, key1));
    }

    /// <summary>2^−24: the scale from 24 random bits to [0, 1).</summary>
    internal const float Unit = 1f / 16777216f;
    internal const uint Multiplier1 = 0x7feb352du, Multiplier2 = 0x846ca68bu;

    /// <summary>
    /// The two 32-bit words of the per-stream key: the 64-bit key run through SplitMix64 first, so that keys differing
    /// in a few bits (0, 1, 2, …) give unrelated streams rather than permutations of each other's counters.
    /// </summary>
    internal static (uint Key0, uint Key1) KeyWords(ulong key)
    {
        ulong z = SplitMix(key);
        return ((uint)z, (uint)(z >> 32));
    }

    /// <summary>The 32-bit hash of a counter under the key words: two lowbias32 rounds, keyed by xor and by add.</summary>
    internal static uint Hash(uint counter, uint key0, uint key1) => Mix(Mix(counter ^ key0) + key1);

    /// <summary>The top 24 bits of a hash scaled to [0, 1).</summary>
    internal static float ToUnit(uint h) => (int)(h >> 8) * Unit;

    // lowbias32 (integer hash with low avalanche bias): two multiply-xorshift rounds. Vectorised lane by lane in
    // BernoulliOperator.Mix; keep the two in step.
    internal static uint Mix(uint x)
    {
        x ^= x >> 16; x *= Multiplier1;
        x ^= x >> 15; x *= Multiplier2;
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
