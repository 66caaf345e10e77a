using System.Buffers.Binary;
using System.IO.Compression;

namespace Vpf.Cli.Tests;

/// <summary>
/// Gzip data files that promise more than they hold, or that lost their trailer: exit 3 naming the file, and a row
/// limit that reaches the reader so a legitimate but huge file is read only as far as the rows used.
/// </summary>
public class DecompressionBoundTests
{
    private static string[] Train(TinyData data, string output, params string[] more) =>
        ["train", "--data", data.Folder, "--layers", "8", "--epochs", "1", "--batch-size", "20", "--out", output, .. more];

    private static byte[] Header(int magic, params int[] sizes)
    {
        var header = new byte[4 + 4 * sizes.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < sizes.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), sizes[i]);
        return header;
    }

    /// <summary>Writes <paramref name="header"/>, the first <paramref name="start"/> bytes, then zeros up to <paramref name="length"/> payload bytes, gzip-compressed.</summary>
    private static void WriteGzip(string path, byte[] header, byte[] start, long length)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(header);
        gzip.Write(start);
        var zeros = new byte[1 << 16];
        for (long left = length - start.Length; left > 0; left -= zeros.Length)
            gzip.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
    }

    [Fact]
    public void A_header_promising_more_than_the_gzip_file_can_hold_is_exit_3_naming_the_file_and_both_sizes()
    {
        using var data = new TinyData(40, 10);
        string raw = data.File("train-images-idx3-ubyte");
        File.Delete(raw);
        File.WriteAllBytes(raw + ".gz", HostileInput.Gzip([.. Header(0x803, 1 << 20, 28, 28), .. new byte[4096]]));
        HostileInput.Expect(data.Folder, ExitCodes.DataFile,
            ["train-images-idx3-ubyte.gz", "822,083,600 bytes decompressed", "decompresses to at most"],
            Train(data, data.File("m.vpf"), "--train-rows", "100"));
    }

    [Fact]
    public void A_huge_but_whole_gzip_file_trains_on_the_rows_asked_for()
    {
        using var data = new TinyData(40, 10);
        byte[] images = File.ReadAllBytes(data.File("train-images-idx3-ubyte"))[16..], labels = File.ReadAllBytes(data.File("train-labels-idx1-ubyte"))[8..];
        File.Delete(data.File("train-images-idx3-ubyte"));
        File.Delete(data.File("train-labels-idx1-ubyte"));
        const int count = 1 << 20;
        WriteGzip(data.File("train-images-idx3-ubyte.gz"), Header(0x803, count, TinyData.Side, TinyData.Side), images, (long)count * TinyData.Side * TinyData.Side);
        WriteGzip(data.File("train-labels-idx1-ubyte.gz"), Header(0x801, count), labels, count);
        var (code, output) = CliRunner.Run(Train(data, data.File("m.vpf"), "--train-rows", "40"));
        Assert.True(code == 0, output);
        Assert.Contains("40 training", output);
        Assert.Contains("first 40 training images used", output);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void A_gzip_data_file_missing_trailer_bytes_is_exit_3_truncated(int cut)
    {
        using var data = new TinyData(40, 10);
        string raw = data.File("train-images-idx3-ubyte");
        byte[] gz = HostileInput.Gzip(File.ReadAllBytes(raw));
        File.Delete(raw);
        File.WriteAllBytes(raw + ".gz", gz[..^cut]);
        HostileInput.Expect(data.Folder, ExitCodes.DataFile, ["train-images-idx3-ubyte.gz", "truncated"], Train(data, data.File("m.vpf")));
    }
}
