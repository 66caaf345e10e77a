using System.Globalization;
using System.Runtime.InteropServices;

namespace Vpf.Core.Data;

/// <summary>
/// What identifies a training set well enough to tell that a resumed run sees the data the interrupted one saw: its
/// rows, its dimension and a CRC-32C of its bit-packed rows (labels excluded; training does not read them).
/// </summary>
/// <param name="Rows">Rows (examples).</param>
/// <param name="Dimension">Values per row.</param>
/// <param name="Hash">CRC-32C of the packed rows (of a real-valued set: of its float32 values, little-endian), as 8 hexadecimal digits.</param>
public sealed record DataFingerprint(int Rows, int Dimension, string Hash)
{
    /// <summary>The fingerprint of <paramref name="data"/>.</summary>
    public static DataFingerprint Of(BinaryDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var crc = new Crc32C();
        crc.Append(MemoryMarshal.AsBytes(data.PackedRows));
        return new DataFingerprint(data.Count, data.Dimension, crc.Value.ToString("x8", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The fingerprint of <paramref name="data"/>: a <see cref="BinaryDataset"/>'s as above, a <see cref="RealDataset"/>'s
    /// over its values as little-endian float32.
    /// </summary>
    public static DataFingerprint Of(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data is BinaryDataset binary) return Of(binary);
        var crc = new Crc32C();
        var row = new float[data.Dimension];
        Span<byte> bytes = stackalloc byte[4];
        for (int r = 0; r < data.Count; r++)
        {
            data.CopyRow(r, row);
            if (BitConverter.IsLittleEndian)
                crc.Append(MemoryMarshal.AsBytes(row.AsSpan()));
            else
                foreach (float x in row)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes, x);
                    crc.Append(bytes);
                }
        }
        return new DataFingerprint(data.Count, data.Dimension, crc.Value.ToString("x8", CultureInfo.InvariantCulture));
    }

    /// <summary>"2,000 rows of 784 values, CRC-32C 1a2b3c4d".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Rows:N0} rows of {Dimension} values, CRC-32C {Hash}");
}
