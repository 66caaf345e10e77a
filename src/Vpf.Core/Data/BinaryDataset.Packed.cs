namespace Vpf.Core.Data;

public sealed partial class BinaryDataset
{
    /// <summary>The bit-packed rows as stored (see the class remarks for the layout); for hashing, not for training.</summary>
    internal ReadOnlySpan<ulong> PackedRows => _bits.AsSpan(0, Count * _wordsPerRow);
}
