using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Vpf.Cli.Tests;

/// <summary>A minimal PNG decoder (8-bit greyscale, RGB, RGBA; not interlaced): enough for screenshots and our own PNGs.</summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, uint[] pixels) => (Width, Height, Pixels) = (width, height, pixels);

    public int Width { get; }
    public int Height { get; }

    /// <summary>0xRRGGBB per pixel, row-major.</summary>
    public uint[] Pixels { get; }

    public static PngImage Decode(byte[] file)
    {
        if (file.Length < 8 || file[0] != 0x89 || file[1] != (byte)'P') throw new InvalidDataException("not a PNG");
        int pos = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
        using var idat = new MemoryStream();
        while (pos + 8 <= file.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(pos));
            string chunk = Encoding.ASCII.GetString(file, pos + 4, 4);
            var data = file.AsSpan(pos + 8, length);
            if (chunk == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                (depth, type, interlace) = (data[8], data[9], data[12]);
            }
            else if (chunk == "IDAT") idat.Write(data);
            else if (chunk == "IEND") break;
            pos += 12 + length;
        }
        if (depth != 8 || interlace != 0 || type is not (0 or 2 or 6)) throw new InvalidDataException($"unsupported PNG: depth {depth}, type {type}, interlace {interlace}");
        int channels = type switch { 0 => 1, 2 => 3, _ => 4 };
        int stride = width * channels;
        var raw = new byte[height * (stride + 1)];
        idat.Position = 0;
        using (var z = new ZLibStream(idat, CompressionMode.Decompress))
            z.ReadExactly(raw);
        var image = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? image[y * stride + x - channels] : 0;
                int b = y > 0 ? image[(y - 1) * stride + x] : 0;
                int c = x >= channels && y > 0 ? image[(y - 1) * stride + x - channels] : 0;
                int v = raw[y * (stride + 1) + 1 + x];
                v += filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"bad filter {filter}"),
                };
                image[y * stride + x] = (byte)v;
            }
        }
        var pixels = new uint[width * height];
        for (int i = 0; i < pixels.Length; i++)
        {
            int o = i * channels;
            pixels[i] = channels == 1 ? (uint)(image[o] * 0x010101) : (uint)(image[o] << 16 | image[o + 1] << 8 | image[o + 2]);
        }
        return new PngImage(width, height, pixels);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
