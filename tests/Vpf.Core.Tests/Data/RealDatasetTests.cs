using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Data;

public class RealDatasetTests
{
    [Fact]
    public void Rows_copy_back_exactly_with_their_labels_and_slices_keep_them()
    {
        var data = RealDataset.FromRows(new float[,] { { 0.5f, -2f, 3.25f }, { 1f, 0f, 1f }, { -7f, 8f, 1e-3f } }, labels: [4, 5, 6]);
        var batch = new float[6];
        data.CopyRows([2, 0], batch);
        Assert.Equal(new[] { -7f, 8f, 1e-3f, 0.5f, -2f, 3.25f }, batch);
        Assert.False(data.IsBinary);
        Assert.Equal(new[] { (0.5 + 1 - 7) / 3, (-2.0 + 0 + 8) / 3, (3.25 + 1 + 1e-3f) / 3 }, data.ColumnMeans(), (a, b) => Math.Abs(a - b) < 1e-9);
        var middle = data.Subset(1, 1);
        Assert.True(middle.IsBinary);
        Assert.Equal(5, middle.GetLabel(0));
        var (first, second) = data.Split(2);
        Assert.Equal((2, 1, 6), (first.Count, second.Count, (int)second.GetLabel(0)));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_non_finite_value_is_refused_naming_its_row_column_and_value(float bad)
    {
        var values = new float[] { 0, 1, 2, 3, 4, bad };
        var e = Assert.Throws<ArgumentException>(() => RealDataset.FromValues(values, 2, 3));
        Assert.Contains("row 1, column 2", e.Message);
        Assert.Contains(bad.ToString(), e.Message);
    }

    [Fact]
    public void Grey_levels_are_intensities_over_255()
    {
        var data = RealDataset.FromIntensities([0, 51, 255, 128], 2, 2, imageRows: 1, imageColumns: 2);
        Assert.Equal((0f, 0.2f, 1f, 128f / 255f), (data[0, 0], data[0, 1], data[1, 0], data[1, 1]));
        Assert.False(data.IsBinary);
        Assert.True(RealDataset.FromIntensities([0, 255], 1, 2).IsBinary);
    }

    [Fact]
    public void A_binary_set_read_as_real_values_trains_the_same_model_bit_for_bit()
    {
        var binary = SyntheticData.Prototypes(120, 16, prototypes: 4, noise: 0.05, seed: 17);
        var plan = new TrainingPlan
        {
            Architecture = Architecture.Rbm(16, 5),
            TrainingOptions = new TrainingOptions { Epochs = 2, BatchSize = 20, Seed = 9 },
        };
        var fromBits = plan.Run(binary).Model.Parameters.Tensors.ToArray();
        var fromReals = plan.Run(RealDataset.FromBinary(binary)).Model.Parameters.Tensors.ToArray();
        Assert.Equal(fromBits.Length, fromReals.Length);
        for (int t = 0; t < fromBits.Length; t++)
            Assert.Equal(fromBits[t], fromReals[t]);
    }

    [Fact]
    public void A_binary_visible_layer_refuses_real_values_and_a_Gaussian_one_trains_on_them()
    {
        var data = RealDataset.FromValues([0.5f, 1f, 0f, 0f, 1f, 1f, 0.25f, 0f], 4, 2);
        var plan = new TrainingPlan { Architecture = Architecture.Rbm(2, 2), TrainingOptions = new TrainingOptions { Epochs = 1, BatchSize = 2 } };
        var e = Assert.Throws<InvalidOptionsException>(() => plan.Run(data));
        Assert.Equal("data", e.Option);
        Assert.Contains("binary", e.Message);
        var gaussian = plan with { Architecture = Architecture.Rbm(2, 2).WithVisibleUnits(VisibleUnitKind.Gaussian) };
        Assert.Equal(VisibleUnitKind.Gaussian, gaussian.Run(data).Model.Architecture.VisibleUnits);
    }
}

public class StandardisationTests
{
    [Fact]
    public void Standardised_training_rows_have_mean_zero_and_variance_one_and_invert_back()
    {
        var data = RealDataset.FromRows(new float[,] { { 1f, 10f, 5f }, { 3f, 30f, 5f }, { 5f, 20f, 5f }, { 7f, 40f, 5f } });
        var s = Standardisation.Fit(data);
        Assert.Equal(new[] { 4f, 25f, 5f }, s.Means);
        Assert.Equal(Math.Sqrt(5), s.Scales[0], 6);
        Assert.Equal(Math.Sqrt(125), s.Scales[1], 4);
        Assert.Equal(1f, s.Scales[2]); // a constant column is shifted, not divided by zero
        Assert.Equal(Math.Log(Math.Sqrt(5)) + Math.Log(Math.Sqrt(125)), s.LogDeterminant, 6);
        var z = s.Apply(data);
        for (int c = 0; c < 3; c++)
        {
            double mean = 0, square = 0;
            for (int r = 0; r < 4; r++) { mean += z[r, c]; square += z[r, c] * z[r, c]; }
            Assert.Equal(0, mean / 4, 6);
            Assert.Equal(c == 2 ? 0 : 1, square / 4, 5);
        }
        var row = new float[3];
        z.CopyRow(3, row);
        s.Invert(row);
        Assert.Equal(new[] { 7f, 40f, 5f }, row, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void A_scale_that_is_not_positive_is_refused_naming_its_column()
    {
        var e = Assert.Throws<ArgumentException>(() => new Standardisation([0f, 0f], [1f, 0f]));
        Assert.Contains("column 1", e.Message);
    }
}
