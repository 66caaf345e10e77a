namespace Vpf.Core.Data;

/// <summary>CRC-32 (IEEE 802.3, reflected 0xEDB88320) as gzip uses it, computed eight bytes at a time.</summary>
internal struct Crc32Ieee
{
    // Slicing-by-8: table k maps a byte to the CRC of that byte followed by k zero bytes, so eight input bytes
    // cost eight look-ups instead of eight dependent steps; a data file's CRC then costs far less than inflating it.
    private static readonly uint[][] Tables = BuildTables();

    private uint _state;

    /// <summary>The CRC-32 of everything appended so far.</summary>
    public readonly uint Value => _state;

    /// <summary>Extends the checksum by <paramref name="data"/>.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        uint[] t0 = Tables[0], t1 = Tables[1], t2 = Tables[2], t3 = Tables[3], t4 = Tables[4], t5 = Tables[5], t6 = Tables[6], t7 = Tables[7];
        uint c = ~_state;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint lo = c ^ (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            c = t7[lo & 0xFF] ^ t6[(lo >> 8) & 0xFF] ^ t5[(lo >> 16) & 0xFF] ^ t4[lo >> 24]
                ^ t3[data[i + 4]] ^ t2[data[i + 5]] ^ t1[data[i + 6]] ^ t0[data[i + 7]];
        }
        for (; i < data.Length; i++)
            c = t0[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        _state = ~c;
    }

    private static uint[][] BuildTables()
    {
        var tables = new uint[8][];
        for (int k = 0; k < 8; k++) tables[k] = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int b = 0; b < 8; b++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            tables[0][n] = c;
        }
        for (int k = 1; k < 8; k++)
            for (int n = 0; n < 256; n++)
                tables[k][n] = tables[0][tables[k - 1][n] & 0xFF] ^ (tables[k - 1][n] >> 8);
        return tables;
    }
}
