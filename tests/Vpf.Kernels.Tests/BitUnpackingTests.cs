namespace Vpf.Kernels.Tests;

// Unpacking is a bit test per element, so every width must give exactly the states of the definition (bit j of word
// j / 64) and the same bits as the scalar path, including the lengths that leave a tail shorter than a vector.
[Collection("KernelSettings")]
public sealed class BitUnpackingTests
{
    private static readonly int[] Lengths = [.. Data.Lengths, 127, 128, 129, 200, 784];

    private static ulong[] RandomWords(int n, int seed)
    {
        var random = new Random(seed);
        var words = new ulong[(n + 63) / 64 + 1];
        for (int i = 0; i < words.Length; i++) words[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        return words;
    }

    [Fact]
    public void Every_width_gives_the_bits_of_the_definition_and_of_the_scalar_path()
    {
        foreach (int n in Lengths)
        {
            ulong[] words = RandomWords(n, n);
            var expected = new float[n + 1];
            for (int j = 0; j < n; j++) expected[j] = (words[j / 64] >> (j % 64)) & 1;
            expected[n] = -7; // beyond the destination: must stay untouched
            float[] Unpack(int bits) => VectorWidth.Run(bits, () =>
            {
                var d = new float[n + 1];
                d[n] = -7;
                BitUnpacking.Unpack(words, d.AsSpan(0, n));
                return d;
            });
            float[] scalar = Unpack(0);
            Data.BitEqual(expected, scalar, $"scalar path, n = {n}");
            Data.BitEqual(scalar, Unpack(128), $"128-bit path against scalar, n = {n}");
            Data.BitEqual(scalar, Unpack(256), $"256-bit path against scalar, n = {n}");
        }
    }

    [Fact]
    public void All_ones_and_all_zeros_unpack_to_ones_and_zeros_on_every_width()
    {
        VectorWidth.Each(bits =>
        {
            var d = new float[130];
            BitUnpacking.Unpack([ulong.MaxValue, ulong.MaxValue, ulong.MaxValue], d);
            Assert.All(d, x => Assert.Equal(1f, x));
            BitUnpacking.Unpack([0UL, 0UL, 0UL], d);
            Assert.All(d, x => Assert.Equal(0f, x));
        });
    }

    [Fact]
    public void Too_few_words_are_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => BitUnpacking.Unpack(new ulong[1], new float[65]));
        Assert.Equal("words", e.ParamName);
        Assert.Contains("at least 2", e.Message);
    }
}
