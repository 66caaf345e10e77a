using System.Buffers.Binary;
using System.IO.Compression;

namespace Vpf.Core.Tests.Data;

/// <summary>A fresh temporary folder per test, deleted afterwards, where small hand-made IDX files are written.</summary>
internal sealed class IdxTestFiles : IDisposable
{
    public IdxTestFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "vpf-data-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>An IDX header: magic, then each size, all big-endian 32-bit.</summary>
    public static byte[] Header(uint magic, params uint[] sizes)
    {
        var header = new byte[4 + 4 * sizes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(header, magic);
        for (int i = 0; i < sizes.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), sizes[i]);
        return header;
    }

    public static byte[] ImageFile(int count, int rows, int columns, byte[] pixels)
        => [.. Header(0x803, (uint)count, (uint)rows, (uint)columns), .. pixels];

    public static byte[] LabelFile(byte[] labels) => [.. Header(0x801, (uint)labels.Length), .. labels];

    public static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
            gzip.Write(content);
        return buffer.ToArray();
    }

    /// <summary>Writes <paramref name="content"/> to a file of the folder, gzip-compressed when asked; returns its path.</summary>
    public string Write(string name, byte[] content, bool gzip = false)
    {
        string path = PathOf(name);
        File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        return path;
    }

    public string WriteImages(string name, int count, int rows, int columns, byte[] pixels, bool gzip = false)
        => Write(name, ImageFile(count, rows, columns, pixels), gzip);

    public string WriteLabels(string name, byte[] labels, bool gzip = false) => Write(name, LabelFile(labels), gzip);

    /// <summary>Deterministic pseudo-random bytes for payloads.</summary>
    public static byte[] Bytes(int n, int seed)
    {
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { } // a leftover temp folder must not fail a test
    }
}
