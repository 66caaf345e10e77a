using Vpf.Core.Data;

namespace Vpf.Core.Tests.Data;

/// <summary>Every malformed file gives a <see cref="DataFileException"/> with the right problem and a message naming the file.</summary>
public sealed class IdxErrorTests : IDisposable
{
    private readonly IdxTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static DataFileException Expect(DataFileProblem problem, string path, Action read, params string[] messageParts)
    {
        var e = Assert.Throws<DataFileException>(read);
        Assert.Equal(problem, e.Problem);
        Assert.Equal(path, e.FilePath);
        Assert.Contains(Path.GetFileName(path), e.Message);
        foreach (string part in messageParts)
            Assert.Contains(part, e.Message);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_file_given_as_images_is_a_wrong_magic_number(bool gzip)
    {
        string path = _files.WriteLabels("train-labels-idx1-ubyte.gz", [1, 2, 3], gzip);

        var e = Expect(DataFileProblem.WrongMagicNumber, path, () => IdxReader.ReadImages(path));
        Assert.Equal(
            "File 'train-labels-idx1-ubyte.gz': wrong magic number 0x00000801 (a label file?); expected 0x00000803 for an IDX image file.",
            e.Message);
    }

    [Fact]
    public void Images_file_given_as_labels_is_a_wrong_magic_number()
    {
        string path = _files.WriteImages("images", 1, 2, 2, [1, 2, 3, 4]);

        Expect(DataFileProblem.WrongMagicNumber, path, () => IdxReader.ReadLabels(path),
            "0x00000803", "an image file?", "expected 0x00000801");
    }

    [Theory]
    [InlineData(0x89504E47u, "not an IDX file")]        // a PNG
    [InlineData(0x00000D03u, "32-bit floats")]          // IDX, but float elements
    [InlineData(0x00000802u, "2 dimensions")]           // IDX bytes, wrong rank
    [InlineData(0x00000F03u, "unknown IDX element type")]
    public void Other_magic_numbers_are_rejected_with_a_hint(uint magic, string hint)
    {
        string path = _files.Write("odd", [.. IdxTestFiles.Header(magic, 1, 1, 1), 0]);

        Expect(DataFileProblem.WrongMagicNumber, path, () => IdxReader.ReadImages(path), $"0x{magic:X8}", hint);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_payload_says_what_was_promised_and_what_follows(bool gzip)
    {
        string path = _files.Write("t10k-images-idx3-ubyte", [.. IdxTestFiles.Header(0x803, 10, 28, 28), .. new byte[123]], gzip);

        Expect(DataFileProblem.Truncated, path, () => IdxReader.ReadImages(path),
            "truncated: header promises 10 images of 28×28 (7840 bytes) but only 123 bytes follow.");
    }

    [Fact]
    public void Truncated_label_payload_is_reported()
    {
        string path = _files.Write("labels", [.. IdxTestFiles.Header(0x801, 10), 1, 2]);

        Expect(DataFileProblem.Truncated, path, () => IdxReader.ReadLabels(path), "10 labels (10 bytes)", "only 2 bytes");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(15)]
    public void Truncated_header_is_reported(int length)
    {
        string path = _files.Write("short", IdxTestFiles.Header(0x803, 10, 28, 28)[..length]);

        Expect(DataFileProblem.Truncated, path, () => IdxReader.ReadImages(path), "16-byte header", $"only {length} bytes");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trailing_bytes_are_reported(bool gzip)
    {
        string path = _files.Write("long", [.. IdxTestFiles.Header(0x801, 3), 1, 2, 3, 4, 5], gzip);

        Expect(DataFileProblem.TrailingBytes, path, () => IdxReader.ReadLabels(path), "3 labels (3 bytes)", "5 bytes follow");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Empty_file_is_reported(bool gzip)
    {
        string path = _files.Write("empty.gz", [], gzip);

        Expect(DataFileProblem.Empty, path, () => IdxReader.ReadImages(path), "empty", "0x00000803");
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        string path = _files.PathOf("nowhere-idx3-ubyte");

        Expect(DataFileProblem.Missing, path, () => IdxReader.ReadImages(path), "not found");
    }

    [Fact]
    public void File_in_a_missing_directory_is_reported_as_missing()
    {
        string path = Path.Combine(_files.Directory, "no-such-dir", "labels");

        Expect(DataFileProblem.Missing, path, () => IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Directory_given_as_a_file_is_a_typed_error()
    {
        string path = _files.Directory;

        var e = Assert.Throws<DataFileException>(() => IdxReader.ReadLabels(path));
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void Garbage_after_the_gzip_magic_is_a_corrupt_gzip()
    {
        string path = _files.Write("images.gz", [0x1f, 0x8b, .. IdxTestFiles.Bytes(200, seed: 3)]);

        Expect(DataFileProblem.CorruptGzip, path, () => IdxReader.ReadImages(path), "corrupt gzip");
    }

    [Fact]
    public void Damaged_gzip_body_is_a_corrupt_gzip()
    {
        byte[] gz = IdxTestFiles.Gzip(IdxTestFiles.ImageFile(50, 10, 10, IdxTestFiles.Bytes(5000, seed: 4)));
        for (int i = 20; i < gz.Length - 8; i += 7)
            gz[i] ^= 0x5a;
        string path = _files.Write("images.gz", gz);

        Expect(DataFileProblem.CorruptGzip, path, () => IdxReader.ReadImages(path));
    }

    [Fact]
    public void Cut_gzip_stream_is_corrupt_or_truncated_never_an_unwrapped_exception()
    {
        byte[] gz = IdxTestFiles.Gzip(IdxTestFiles.ImageFile(50, 10, 10, IdxTestFiles.Bytes(5000, seed: 5)));
        string path = _files.Write("images.gz", gz[..(gz.Length / 2)]);

        var e = Assert.Throws<DataFileException>(() => IdxReader.ReadImages(path));
        Assert.Contains(e.Problem, new[] { DataFileProblem.Truncated, DataFileProblem.CorruptGzip });
        Assert.Contains("images.gz", e.Message);
    }

    [Theory]
    [InlineData(10u, 0u, 28u)]
    [InlineData(10u, 28u, 0u)]
    [InlineData(0x80000000u, 1u, 1u)]     // count beyond int
    [InlineData(100000u, 100000u, 1u)]   // 10^10 bytes: beyond one array
    public void Impossible_dimensions_are_reported_before_allocating(uint count, uint rows, uint columns)
    {
        string path = _files.Write("huge", IdxTestFiles.Header(0x803, count, rows, columns));

        Expect(DataFileProblem.BadDimensions, path, () => IdxReader.ReadImages(path), "bad dimensions");
    }

    [Fact]
    public void Huge_promise_in_a_small_gzip_is_truncated_not_out_of_memory()
    {
        string path = _files.Write("liar.gz", [.. IdxTestFiles.Header(0x803, 2_000_000, 32, 32), 1, 2, 3], gzip: true);

        Expect(DataFileProblem.Truncated, path, () => IdxReader.ReadImages(path), "decompresses to at most");
    }

    [Fact]
    public void LoadIdx_reports_counts_that_disagree()
    {
        string images = _files.WriteImages("a", 3, 1, 2, new byte[6]);
        string labels = _files.WriteLabels("b", [1, 2]);

        var e = Expect(DataFileProblem.CountMismatch, labels, () => BinaryDataset.LoadIdx(images, labels));
        Assert.Equal("images file 'a' holds 3 images but labels file 'b' holds 2 labels.", e.Message);
    }

    [Fact]
    public void LoadIdx_rejects_a_header_with_zero_images()
    {
        string path = _files.WriteImages("zero", 0, 28, 28, []);

        Expect(DataFileProblem.Empty, path, () => BinaryDataset.LoadIdx(path), "0 images");
    }

    [Fact]
    public void LoadIdx_wraps_errors_of_the_labels_file()
    {
        string images = _files.WriteImages("imgs", 2, 1, 1, [0, 255]);
        string labels = _files.WriteImages("not-labels", 2, 1, 1, [0, 255]);

        Expect(DataFileProblem.WrongMagicNumber, labels, () => BinaryDataset.LoadIdx(images, labels));
    }
}
