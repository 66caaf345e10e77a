using Vpf.Core.Data;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Data;

[Collection("KernelSettings")]
public sealed class BinaryDatasetTests
{
    /// <summary>A random 0/1 matrix and the data set packed from it.</summary>
    private static (float[,] Values, BinaryDataset Set) Random01(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        var values = new float[count, dimension];
        for (int r = 0; r < count; r++)
            for (int c = 0; c < dimension; c++)
                values[r, c] = random.Next(2);
        return (values, BinaryDataset.FromBinaryRows(values));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(63, true)]
    [InlineData(64, true)]
    [InlineData(65, true)]
    [InlineData(784, true)]
    [InlineData(1, false)]
    [InlineData(63, false)]
    [InlineData(65, false)]
    [InlineData(784, false)]
    public void CopyRows_is_exact_for_any_dimension_and_index_order(int dimension, bool vectors)
    {
        VectorWidth.Run(vectors ? 256 : 0, () =>
        {
            var (values, set) = Random01(13, dimension, seed: dimension);
            int[] indices = [12, 0, 5, 5, 7, 1, 12];
            var batch = new float[indices.Length * dimension];

            set.CopyRows(indices, batch);

            for (int i = 0; i < indices.Length; i++)
                for (int c = 0; c < dimension; c++)
                {
                    Assert.Equal(values[indices[i], c], batch[i * dimension + c]);
                    Assert.Equal(values[indices[i], c] == 1, set[indices[i], c]);
                }
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(784)]
    public void Inverted_flips_every_pixel_keeps_labels_and_shape_and_leaves_the_padding_bits_zero(int dimension)
    {
        var (values, _) = Random01(9, dimension, seed: 7 + dimension);
        byte[] labels = [3, 1, 4, 1, 5, 9, 2, 6, 5];
        var set = BinaryDataset.FromBinaryRows(values, labels, dimension == 784 ? 28 : 0, dimension == 784 ? 28 : 0);

        var inverted = set.Inverted();

        for (int r = 0; r < 9; r++)
            for (int c = 0; c < dimension; c++)
                Assert.Equal(values[r, c] == 0, inverted[r, c]);
        Assert.Equal(labels, inverted.Labels.ToArray());
        Assert.Equal((set.ImageRows, set.ImageColumns), (inverted.ImageRows, inverted.ImageColumns));
        var means = set.ColumnMeans();
        Assert.Equal(means.Select(m => 1 - m), inverted.ColumnMeans(), (a, b) => Math.Abs(a - b) < 1e-12);
        // The fingerprint hashes the packed words: equal to the set packed from 1 − x only if the padding bits stayed 0.
        var flipped = new float[9, dimension];
        for (int r = 0; r < 9; r++)
            for (int c = 0; c < dimension; c++)
                flipped[r, c] = 1 - values[r, c];
        Assert.Equal(DataFingerprint.Of(BinaryDataset.FromBinaryRows(flipped, labels)), DataFingerprint.Of(inverted));
        Assert.Equal(DataFingerprint.Of(set), DataFingerprint.Of(inverted.Inverted()));
    }

    [Fact]
    public void CopyRows_leaves_the_rest_of_a_longer_destination_alone()
    {
        var (_, set) = Random01(3, 10, seed: 1);
        var batch = Enumerable.Repeat(-1f, 25).ToArray();

        set.CopyRows([2, 0], batch);

        Assert.All(batch[..20], v => Assert.True(v is 0f or 1f));
        Assert.All(batch[20..], v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void CopyRows_validates_destination_and_indices_before_writing()
    {
        var (_, set) = Random01(3, 10, seed: 1);
        var batch = Enumerable.Repeat(-1f, 30).ToArray();

        Assert.Throws<ArgumentException>(() => set.CopyRows([0, 1], new float[19]));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyRows([0, 3, 1], batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyRows([-1], batch));
        Assert.All(batch, v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void Indexer_checks_bounds()
    {
        var (_, set) = Random01(2, 5, seed: 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => set[2, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => set[0, 5]);
        Assert.Throws<ArgumentOutOfRangeException>(() => set[0, -1]);
    }

    [Fact]
    public void Non_binary_value_is_rejected_naming_row_column_and_value()
    {
        var values = new float[3, 4];
        values[2, 1] = 0.5f;

        var e = Assert.Throws<ArgumentException>(() => BinaryDataset.FromBinaryRows(values));
        Assert.Contains("row 2, column 1 is 0.5", e.Message);
        Assert.Throws<ArgumentException>(() => BinaryDataset.FromBinaryRows([0f, 1f, float.NaN], 1, 3));
    }

    [Fact]
    public void Factories_agree()
    {
        var (values, fromMatrix) = Random01(4, 70, seed: 9);
        var flat = values.Cast<float>().ToArray();
        var bits = new bool[4, 70];
        var bytes = new byte[4 * 70];
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 70; c++)
            {
                bits[r, c] = values[r, c] == 1;
                bytes[r * 70 + c] = values[r, c] == 1 ? (byte)200 : (byte)20;
            }

        float[] expected = BinarisationTests.Dense(fromMatrix);
        Assert.Equal(expected, BinarisationTests.Dense(BinaryDataset.FromBinaryRows(flat, 4, 70)));
        Assert.Equal(expected, BinarisationTests.Dense(BinaryDataset.FromBits(bits)));
        Assert.Equal(expected, BinarisationTests.Dense(BinaryDataset.FromIntensities(bytes, 4, 70)));
    }

    [Fact]
    public void Shape_arguments_are_checked()
    {
        Assert.Throws<ArgumentException>(() => BinaryDataset.FromIntensities(new byte[5], 2, 3));
        Assert.Throws<ArgumentException>(() => BinaryDataset.FromIntensities(new byte[6], 2, 3, labels: [1]));
        Assert.Throws<ArgumentException>(() => BinaryDataset.FromIntensities(new byte[6], 2, 3, imageRows: 2, imageColumns: 2));
        Assert.Throws<ArgumentException>(() => BinaryDataset.FromIntensities(new byte[6], 2, 3, imageRows: 3));
        Assert.ThrowsAny<ArgumentException>(() => BinaryDataset.FromBits(new bool[2, 0]));
        Assert.ThrowsAny<ArgumentException>(() => BinaryDataset.FromBinaryRows([], -1, 3));
    }

    [Fact]
    public void Metadata_and_memory_are_reported()
    {
        var set = BinaryDataset.FromIntensities(new byte[2 * 784], 2, 784, labels: [3, 4], imageRows: 28, imageColumns: 28);

        Assert.Equal(2, set.Count);
        Assert.Equal(784, set.Dimension);
        Assert.Equal((28, 28), (set.ImageRows, set.ImageColumns));
        Assert.Equal(104, set.BytesPerRow); // 13 words of 64 bits
        Assert.True(set.HasLabels);
        Assert.Equal([3, 4], set.Labels.ToArray());
        Assert.Equal(4, set.GetLabel(1));
    }

    [Fact]
    public void Labels_are_copied_and_optional()
    {
        byte[] labels = [1, 2];
        var set = BinaryDataset.FromIntensities(new byte[2], 2, 1, labels: labels);
        labels[0] = 99;
        Assert.Equal(1, set.GetLabel(0));

        var unlabelled = BinaryDataset.FromIntensities(new byte[2], 2, 1);
        Assert.False(unlabelled.HasLabels);
        Assert.True(unlabelled.Labels.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => unlabelled.GetLabel(0));
    }

    [Fact]
    public void Empty_set_is_allowed_in_memory()
    {
        var set = BinaryDataset.FromBinaryRows([], 0, 5);

        Assert.Equal(0, set.Count);
        set.CopyRows([], Span<float>.Empty);
        Assert.Equal(new double[5], set.ColumnMeans());
    }

    [Fact]
    public void ColumnMeans_count_ones_per_column()
    {
        var set = BinaryDataset.FromBits(new[,] { { true, false, true }, { true, false, false } });

        Assert.Equal([1.0, 0.0, 0.5], set.ColumnMeans());
    }
}
