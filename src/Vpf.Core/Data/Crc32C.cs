using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Vpf.Core.Data;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF), the checksum of
/// model files. Uses the SSE4.2 / ARMv8 CRC instructions where present and a byte table otherwise; both give the
/// same value (check value of "123456789" is 0xE3069283).
/// </summary>
internal struct Crc32C
{
    private const uint Polynomial = 0x82F63B78u;
    private static readonly uint[] Table = CreateTable();

    private uint _state;

    /// <summary>A fresh checksum.</summary>
    public Crc32C() => _state = 0xFFFFFFFFu;

    /// <summary>The checksum of everything appended so far.</summary>
    public readonly uint Value => ~_state;

    /// <summary>Forces the table path (for tests that compare it with the hardware path).</summary>
    internal static bool DisableHardware { get; set; }

    /// <summary>Adds <paramref name="data"/> to the checksum.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        uint crc = _state;
        if (!DisableHardware && Sse42.X64.IsSupported)
        {
            ulong c = crc;
            while (data.Length >= 8)
            {
                c = Sse42.X64.Crc32(c, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            crc = (uint)c;
            foreach (byte b in data) crc = Sse42.Crc32(crc, b);
        }
        else if (!DisableHardware && Crc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            foreach (byte b in data) crc = Crc32.ComputeCrc32C(crc, b);
        }
        else
        {
            var table = Table;
            foreach (byte b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        _state = crc;
    }

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32C();
        crc.Append(data);
        return crc.Value;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
