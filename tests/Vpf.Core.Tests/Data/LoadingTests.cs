using Vpf.Core.Data;

namespace Vpf.Core.Tests.Data;

public sealed class LoadingTests : IDisposable
{
    private readonly IdxTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadIdx_binarises_images_and_keeps_labels_and_shape(bool gzip)
    {
        byte[] pixels = [0, 127, 128, 255, 200, 100, 50, 129];
        string images = _files.WriteImages("imgs", 2, 2, 2, pixels, gzip);
        string labels = _files.WriteLabels("lbls", [7, 3], gzip);

        var set = BinaryDataset.LoadIdx(images, labels);

        Assert.Equal(2, set.Count);
        Assert.Equal(4, set.Dimension);
        Assert.Equal((2, 2), (set.ImageRows, set.ImageColumns));
        Assert.Equal([7, 3], set.Labels.ToArray());
        Assert.Equal([0f, 0f, 1f, 1f, 1f, 0f, 0f, 1f], BinarisationTests.Dense(set));
    }

    [Fact]
    public void LoadIdx_without_labels_has_none()
    {
        string images = _files.WriteImages("imgs", 1, 1, 3, [0, 128, 255]);

        Assert.False(BinaryDataset.LoadIdx(images).HasLabels);
    }

    [Fact]
    public void MnistFolder_loads_raw_and_gzip_files_under_the_usual_names()
    {
        byte[] trainPixels = IdxTestFiles.Bytes(6 * 4 * 4, seed: 11), testPixels = IdxTestFiles.Bytes(3 * 4 * 4, seed: 12);
        _files.WriteImages("train-images-idx3-ubyte.gz", 6, 4, 4, trainPixels, gzip: true);
        _files.WriteLabels("train-labels-idx1-ubyte", [0, 1, 2, 3, 4, 5]);
        _files.WriteImages("t10k-images-idx3-ubyte", 3, 4, 4, testPixels);
        _files.WriteLabels("t10k-labels-idx1-ubyte.gz", [9, 8, 7], gzip: true);

        var (train, test) = MnistFolder.Load(_files.Directory);

        Assert.Equal(BinarisationTests.Dense(BinaryDataset.FromIntensities(trainPixels, 6, 16)), BinarisationTests.Dense(train));
        Assert.Equal(BinarisationTests.Dense(BinaryDataset.FromIntensities(testPixels, 3, 16)), BinarisationTests.Dense(test));
        Assert.Equal([0, 1, 2, 3, 4, 5], train.Labels.ToArray());
        Assert.Equal([9, 8, 7], test.Labels.ToArray());
        Assert.Equal((4, 4), (test.ImageRows, test.ImageColumns));
    }

    [Fact]
    public void MnistFolder_stochastic_draws_differ_between_train_and_test()
    {
        byte[] pixels = Enumerable.Repeat((byte)128, 4 * 256).ToArray();
        foreach (string prefix in new[] { "train", "t10k" })
        {
            _files.WriteImages($"{prefix}-images-idx3-ubyte", 4, 16, 16, pixels);
            _files.WriteLabels($"{prefix}-labels-idx1-ubyte", [1, 2, 3, 4]);
        }

        var (train, test) = MnistFolder.Load(_files.Directory, BinarisationOptions.Stochastic(3));

        Assert.NotEqual(BinarisationTests.Dense(train), BinarisationTests.Dense(test));
        Assert.Equal(BinarisationTests.Dense(train), BinarisationTests.Dense(MnistFolder.Load(_files.Directory, BinarisationOptions.Stochastic(3)).Train));
    }

    [Fact]
    public void MnistFolder_names_the_directory_and_the_files_looked_for()
    {
        _files.WriteImages("train-images-idx3-ubyte", 1, 1, 1, [0]);

        var e = Assert.Throws<DataFileException>(() => MnistFolder.Load(_files.Directory));

        Assert.Equal(DataFileProblem.Missing, e.Problem);
        Assert.Contains(_files.Directory, e.Message);
        Assert.Contains("'train-labels-idx1-ubyte'", e.Message);
        Assert.Contains("'train-labels-idx1-ubyte.gz'", e.Message);
    }

    [Fact]
    public void MnistFolder_reports_a_missing_directory()
    {
        string directory = Path.Combine(_files.Directory, "absent");

        var e = Assert.Throws<DataFileException>(() => MnistFolder.Load(directory));

        Assert.Equal(DataFileProblem.Missing, e.Problem);
        Assert.Contains("does not exist", e.Message);
    }
}
