namespace Vpf.Core.Data;

public sealed partial class BinaryDataset
{
    /// <summary>
    /// A copy with every pixel flipped (x → 1 − x), labels and image shape kept: the same data at the other polarity,
    /// where most pixels are on. A method whose result changes under this map depends on the data's coding, not only on
    /// its content; the equal-time protocol and the paper's grid report both polarities.
    /// </summary>
    public BinaryDataset Inverted()
    {
        var bits = new ulong[Count * _wordsPerRow];
        // The unused high bits of a row's last word stay 0, as every reader of the packed rows assumes.
        int tail = Dimension % 64;
        ulong lastMask = tail == 0 ? ulong.MaxValue : (1UL << tail) - 1;
        for (int row = 0; row < Count; row++)
        {
            var source = RowWords(row);
            var target = bits.AsSpan(row * _wordsPerRow, _wordsPerRow);
            for (int w = 0; w < _wordsPerRow; w++)
                target[w] = ~source[w] & (w == _wordsPerRow - 1 ? lastMask : ulong.MaxValue);
        }
        return new BinaryDataset(bits, Count, Dimension, _labels?.ToArray(), ImageRows, ImageColumns);
    }
}
