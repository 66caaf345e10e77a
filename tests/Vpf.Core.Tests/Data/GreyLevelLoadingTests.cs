using Vpf.Core.Data;

namespace Vpf.Core.Tests.Data;

/// <summary>IDX images read as grey levels: intensity / 255, with the binarised loader's checks and row limits.</summary>
public sealed class GreyLevelLoadingTests : IDisposable
{
    private readonly IdxTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private (string Images, string Labels) Write(string prefix, int count, bool gzip = false)
    {
        var pixels = Enumerable.Range(0, count * 6).Select(i => (byte)(i * 37 % 256)).ToArray();
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        string images = _files.PathOf(prefix + "-images-idx3-ubyte" + (gzip ? ".gz" : "")), labelPath = _files.PathOf(prefix + "-labels-idx1-ubyte");
        byte[] imageBytes = IdxTestFiles.ImageFile(count, 2, 3, pixels);
        File.WriteAllBytes(images, gzip ? IdxTestFiles.Gzip(imageBytes) : imageBytes);
        File.WriteAllBytes(labelPath, IdxTestFiles.LabelFile(labels));
        return (images, labelPath);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Grey_levels_are_the_intensities_over_255_with_labels_and_shape(bool gzip)
    {
        var (images, labels) = Write("train", 5, gzip);
        var data = RealDataset.LoadIdx(images, labels);
        Assert.Equal((5, 6, 2, 3), (data.Count, data.Dimension, data.ImageRows, data.ImageColumns));
        var rows = new float[30];
        data.CopyRows([0, 1, 2, 3, 4], rows);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (byte)(i * 37 % 256) / 255f), rows);
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4 }, data.Labels.ToArray());

        var some = RealDataset.LoadIdxRows(images, labels, 2, 2);
        var part = new float[12];
        some.CopyRows([0, 1], part);
        Assert.Equal(rows[12..24], part);
        Assert.Equal(new byte[] { 2, 3 }, some.Labels.ToArray());
    }

    [Fact]
    public void A_folder_loads_as_grey_levels_with_row_limits()
    {
        Write("train", 7);
        Write("t10k", 4);
        var (train, test) = MnistFolder.LoadGreyLevels(_files.Directory, maxTrainRows: 3);
        Assert.Equal((3, 4), (train.Count, test.Count));
        Assert.Equal(37 / 255f, train[0, 1]);
    }

    [Fact]
    public void Hostile_files_get_the_binarised_loaders_errors()
    {
        var (images, labels) = Write("train", 5);
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..^3]);
        Assert.Equal(DataFileProblem.Truncated, Assert.Throws<DataFileException>(() => RealDataset.LoadIdx(images, labels)).Problem);

        File.WriteAllBytes(images, IdxTestFiles.ImageFile(4, 2, 3, new byte[24]));
        var mismatch = Assert.Throws<DataFileException>(() => RealDataset.LoadIdx(images, labels));
        Assert.Equal(DataFileProblem.CountMismatch, mismatch.Problem);

        File.WriteAllBytes(images, IdxTestFiles.ImageFile(0, 2, 3, []));
        Assert.Equal(DataFileProblem.Empty, Assert.Throws<DataFileException>(() => RealDataset.LoadIdx(images)).Problem);

        // Headers promising more images than the raw file holds, or more than memory can: refused from the sizes alone.
        File.WriteAllBytes(images, IdxTestFiles.ImageFile(100_000, 2, 3, new byte[24]));
        Assert.Equal(DataFileProblem.Truncated, Assert.Throws<DataFileException>(() => RealDataset.LoadIdxRows(images, null, 0, 2)).Problem);
        File.WriteAllBytes(images, IdxTestFiles.ImageFile(int.MaxValue, 2, 3, new byte[24]));
        Assert.Equal(DataFileProblem.BadDimensions, Assert.Throws<DataFileException>(() => RealDataset.LoadIdxRows(images, null, 0, 2)).Problem);
    }
}
