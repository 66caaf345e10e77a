using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Vpf.Cli.Reporting;

/// <summary>A minimal 8-bit greyscale PNG writer, and a grid of images as one picture.</summary>
internal static class Png
{
    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>Writes tiles (values in [0, 1], 1 = white) of height × width in a grid of <paramref name="columns"/> with one-pixel black gaps.</summary>
    public static void WriteGrid(string path, IEnumerable<string> inputs, IReadOnlyList<float[]> tiles, int height, int width, int columns, int scale = 2)
    {
        columns = Math.Max(1, Math.Min(columns, tiles.Count));
        int rows = (tiles.Count + columns - 1) / columns;
        int W = (columns * (width + 1) + 1) * scale, H = (rows * (height + 1) + 1) * scale;
        var pixels = new byte[W * H];
        for (int t = 0; t < tiles.Count; t++)
        {
            int ox = (t % columns) * (width + 1) + 1, oy = (t / columns) * (height + 1) + 1;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    byte v = (byte)Math.Round(255 * Math.Clamp(tiles[t][y * width + x], 0f, 1f));
                    for (int sy = 0; sy < scale; sy++)
                        for (int sx = 0; sx < scale; sx++)
                            pixels[((oy + y) * scale + sy) * W + (ox + x) * scale + sx] = v;
                }
        }
        OutputFile.WriteBytes(path, inputs, Encode(pixels, W, H));
    }

    public static byte[] Encode(byte[] grey, int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // greyscale
        Chunk(output, "IHDR", header);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
                for (int y = 0; y < height; y++)
                {
                    z.WriteByte(0);
                    z.Write(grey, y * width, width);
                }
            Chunk(output, "IDAT", raw.ToArray());
        }
        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        s.Write(four);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in typeBytes.Concat(data)) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        BinaryPrimitives.WriteUInt32BigEndian(four, crc ^ 0xFFFFFFFFu);
        s.Write(four);
    }
}
