using Vpf.Core.Data;

namespace Vpf.Core.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly IdxTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_round_trip_exactly(bool gzip)
    {
        byte[] pixels = IdxTestFiles.Bytes(5 * 3 * 4, seed: 1);
        // The name says nothing about compression: detection must go by the magic bytes.
        string path = _files.WriteImages("images.bin", 5, 3, 4, pixels, gzip);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal(5, images.Count);
        Assert.Equal(3, images.Rows);
        Assert.Equal(4, images.Columns);
        Assert.Equal(12, images.Dimension);
        Assert.Equal(pixels, images.Pixels.ToArray());
        Assert.Equal(pixels.AsSpan(24, 12).ToArray(), images.Image(2).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_round_trip_exactly(bool gzip)
    {
        byte[] labels = [0, 9, 3, 255, 7];
        string path = _files.WriteLabels("labels", labels, gzip);

        Assert.Equal(labels, IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Large_gzip_payload_is_read_whole()
    {
        // Larger than the reader's growth chunk, so the payload buffer has to grow while reading.
        byte[] pixels = IdxTestFiles.Bytes(5_000_000, seed: 2);
        string path = _files.WriteImages("big.gz", 5000, 1000, 1, pixels, gzip: true);

        Assert.Equal(pixels, IdxReader.ReadImages(path).Pixels.ToArray());
    }

    [Fact]
    public void Header_with_zero_images_reads_as_an_empty_set()
    {
        string path = _files.WriteImages("none", 0, 28, 28, []);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal(0, images.Count);
        Assert.Equal(784, images.Dimension);
    }
}
