using System.IO.Compression;
using Vpf.Core.Data;
using Vpf.Core.Tests.Data;

namespace Vpf.Core.Tests.Hostile;

/// <summary>
/// Gzip data files whose headers promise far more than is needed or than the file can hold: memory follows the rows
/// read, an impossible promise is refused before anything is allocated, and the trailer (CRC-32, length) is checked.
/// </summary>
public class DecompressionBoundTests
{
    private const int BombCount = 1 << 20, Side = 8, Dimension = Side * Side, Patterned = 100;

    /// <summary>Image i of the bomb: pixel j is (7i + j) mod 256 for the first 100 images, 0 after.</summary>
    private static byte Pixel(int image, int pixel) => image < Patterned ? (byte)((7 * image + pixel) % 256) : (byte)0;

    /// <summary>A real gzip bomb: 2^20 images of 8×8 (64 MiB of content) compressed to a few tens of KiB, written by streaming.</summary>
    private static string WriteBomb(IdxTestFiles files, string name)
    {
        string path = files.PathOf(name);
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write(IdxTestFiles.Header(0x803, BombCount, Side, Side));
            var row = new byte[Dimension];
            for (int i = 0; i < Patterned; i++)
            {
                for (int j = 0; j < Dimension; j++) row[j] = Pixel(i, j);
                gzip.Write(row);
            }
            var zeros = new byte[1 << 16];
            long left = (long)(BombCount - Patterned) * Dimension;
            for (; left > 0; left -= zeros.Length)
                gzip.Write(zeros, 0, (int)Math.Min(left, zeros.Length));
        }
        return path;
    }

    [Fact]
    public void A_bomb_read_with_a_row_limit_takes_memory_of_the_rows_read_and_gives_them_exactly()
    {
        using var files = new IdxTestFiles();
        string path = WriteBomb(files, "train-images-idx3-ubyte.gz");
        Assert.True(new FileInfo(path).Length * IdxParser.MaxInflationRatio > 16L + (long)BombCount * Dimension, "the bomb must be a possible file");
        IdxReader.ReadImages(path, 0, 1); // static tables and JIT out of the measurement

        long before = GC.GetAllocatedBytesForCurrentThread();
        IdxImages images = IdxReader.ReadImages(path, 0, Patterned);
        long used = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(used < 512 * 1024, $"reading {Patterned} of {BombCount} images allocated {used:N0} bytes");
        Assert.Equal(Patterned, images.Count);
        Assert.Equal(BombCount, images.CountInFile);
        for (int i = 0; i < Patterned; i++)
            for (int j = 0; j < Dimension; j++)
                Assert.Equal(Pixel(i, j), images.Image(i)[j]);

        // The same measurement sees the whole content when every row is read: the bound above is not vacuous.
        before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(BombCount, IdxReader.ReadImages(path).Count);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before >= (long)BombCount * Dimension);
    }

    [Fact]
    public void Rows_loaded_as_a_data_set_from_a_bomb_take_memory_of_the_rows_used()
    {
        using var files = new IdxTestFiles();
        string path = WriteBomb(files, "train-images-idx3-ubyte.gz");
        BinaryDataset.LoadIdxRows(path, null, 0, 1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        BinaryDataset set = BinaryDataset.LoadIdxRows(path, null, 0, Patterned);
        long used = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(used < 512 * 1024, $"loading {Patterned} rows allocated {used:N0} bytes");
        Assert.Equal(Patterned, set.Count);
        for (int i = 0; i < Patterned; i++)
            for (int j = 0; j < Dimension; j++)
                Assert.Equal(Pixel(i, j) >= 128, set[i, j]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void A_header_promising_more_than_the_file_can_decompress_to_is_refused_before_allocating(int rowLimit)
    {
        using var files = new IdxTestFiles();
        // 2^20 images of 28×28 (822 MB) promised by a file of a few hundred bytes.
        byte[] content = [.. IdxTestFiles.Header(0x803, BombCount, 28, 28), .. IdxTestFiles.Bytes(4096, seed: 3)];
        string path = files.Write("train-images-idx3-ubyte.gz", content, gzip: true);
        long length = new FileInfo(path).Length;
        IdxReader.ReadImages(files.Write("warm.gz", IdxTestFiles.ImageFile(1, 1, 1, [1]), gzip: true));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFileException>(() => rowLimit == 0 ? IdxReader.ReadImages(path) : IdxReader.ReadImages(path, 0, rowLimit));
        long used = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(DataFileProblem.Truncated, e.Problem);
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
        Assert.Contains($"{16L + (long)BombCount * 784:N0} bytes decompressed", e.Message);
        Assert.Contains($"gzip file of {length:N0} bytes decompresses to at most {length * 1032:N0} bytes", e.Message);
        Assert.True(used < 256 * 1024, $"refusing allocated {used:N0} bytes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void A_gzip_file_missing_the_last_bytes_of_its_trailer_is_reported_truncated(int cut)
    {
        using var files = new IdxTestFiles();
        byte[] gz = IdxTestFiles.Gzip(IdxTestFiles.ImageFile(40, 6, 6, IdxTestFiles.Bytes(40 * 36, seed: 5)));
        string path = files.PathOf("t10k-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, gz);
        Assert.Equal(40, IdxReader.ReadImages(path).Count); // whole, it reads

        File.WriteAllBytes(path, gz[..^cut]);
        foreach (Func<object> read in new Func<object>[] { () => IdxReader.ReadImages(path), () => IdxReader.ReadImages(path, 0, 5) })
        {
            var e = Assert.Throws<DataFileException>(read);
            Assert.Equal(DataFileProblem.CorruptGzip, e.Problem);
            Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
            Assert.Contains("truncated", e.Message);
        }
    }

    [Fact]
    public void A_range_of_rows_equals_the_same_rows_of_the_whole_file_under_every_binarisation()
    {
        using var files = new IdxTestFiles();
        byte[] pixels = IdxTestFiles.Bytes(50 * 9, seed: 11), labels = IdxTestFiles.Bytes(50, seed: 12);
        foreach (bool gzip in new[] { false, true })
        {
            string images = files.WriteImages($"i{gzip}", 50, 3, 3, pixels, gzip), labelFile = files.WriteLabels($"l{gzip}", labels, gzip);
            foreach (var options in new[] { BinarisationOptions.Default, BinarisationOptions.Stochastic(9) })
            {
                var whole = BinaryDataset.LoadIdx(images, labelFile, options).Subset(30, 15);
                var part = BinaryDataset.LoadIdxRows(images, labelFile, 30, 15, options);
                Assert.Equal(15, part.Count);
                Assert.Equal(whole.Labels.ToArray(), part.Labels.ToArray());
                for (int r = 0; r < 15; r++)
                    for (int c = 0; c < 9; c++)
                        Assert.Equal(whole[r, c], part[r, c]);
            }
            Assert.Equal(5, BinaryDataset.LoadIdxRows(images, labelFile, 45, 100).Count); // clipped at the end of the file
        }
    }
}
