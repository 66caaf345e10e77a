using Vpf.Core.Inference;
using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Evaluation;

public class SoftmaxRegressionTests
{
    /// <summary>Points around three far-apart centres in 2-D: linearly separable.</summary>
    private static (float[] X, byte[] Y) Clusters(int rows, int seed)
    {
        var rng = new Random(seed);
        (float, float)[] centres = [(0, 4), (4, -3), (-4, -3)];
        byte[] labels = [2, 5, 9];
        var x = new float[rows * 2];
        var y = new byte[rows];
        for (int n = 0; n < rows; n++)
        {
            int c = n % 3;
            x[2 * n] = centres[c].Item1 + (float)TinyModels.Normal(rng);
            x[2 * n + 1] = centres[c].Item2 + (float)TinyModels.Normal(rng);
            y[n] = labels[c];
        }
        return (x, y);
    }

    [Fact]
    public void Separates_a_linearly_separable_set_and_is_deterministic()
    {
        var (x, y) = Clusters(300, 1);
        var (tx, ty) = Clusters(150, 2);
        var model = SoftmaxRegression.Fit(x, 300, 2, y);
        Assert.Equal([2, 5, 9], model.Classes);
        Assert.Equal(1.0, model.Accuracy(x, 300, y));
        Assert.Equal(1.0, model.Accuracy(tx, 150, ty));
        var again = SoftmaxRegression.Fit(x, 300, 2, y);
        Assert.Equal(model.Weights.ToArray(), again.Weights.ToArray());
        Assert.Equal(model.Biases.ToArray(), again.Biases.ToArray());
        Assert.True(model.Iterations > 0);
    }

    [Fact]
    public void The_gradient_matches_finite_differences_of_the_loss()
    {
        var rng = new Random(3);
        int rows = 25, features = 4, classes = 3;
        var x = new float[rows * features];
        for (int i = 0; i < x.Length; i++) x[i] = (float)TinyModels.Normal(rng);
        var targets = Enumerable.Range(0, rows).Select(_ => rng.Next(classes)).ToArray();
        var theta = new double[features * classes + classes];
        for (int i = 0; i < theta.Length; i++) theta[i] = 0.5 * TinyModels.Normal(rng);
        var gradient = new double[theta.Length];
        SoftmaxRegression.LossAndGradient(x, rows, features, targets, classes, 0.1, theta, gradient);
        var scratch = new double[theta.Length];
        const double h = 1e-3;
        for (int i = 0; i < theta.Length; i++)
        {
            double saved = theta[i];
            theta[i] = saved + h;
            double plus = SoftmaxRegression.LossAndGradient(x, rows, features, targets, classes, 0.1, theta, scratch);
            theta[i] = saved - h;
            double minus = SoftmaxRegression.LossAndGradient(x, rows, features, targets, classes, 0.1, theta, scratch);
            theta[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) < 1e-4 + 1e-3 * Math.Abs(numeric), $"θ[{i}]: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Bad_sizes_and_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SoftmaxRegression.Fit(new float[5], 2, 2, new byte[2]));
        Assert.Throws<ArgumentException>(() => SoftmaxRegression.Fit(new float[4], 2, 2, new byte[3]));
        Assert.Throws<InvalidOptionsException>(() => SoftmaxRegression.Fit(new float[4], 2, 2, new byte[2], new SoftmaxRegressionOptions { L2 = -1 }));
    }
}

public class LinearProbeTests
{
    /// <summary>Random 16-pixel images whose label is 2·x₀ + x₃: a function of two pixels, linearly separable.</summary>
    private static BinaryDataset Labelled(int rows, int seed)
    {
        var rng = new Random(seed);
        var values = new float[rows * 16];
        var labels = new byte[rows];
        for (int n = 0; n < rows; n++)
        {
            for (int k = 0; k < 16; k++) values[n * 16 + k] = rng.Next(2);
            labels[n] = (byte)(2 * values[n * 16] + values[n * 16 + 3]);
        }
        return BinaryDataset.FromBinaryRows(values, rows, 16, labels, 4, 4);
    }

    [Fact]
    public void On_labels_that_are_a_function_of_two_pixels_the_pixel_probe_is_nearly_perfect()
    {
        var train = Labelled(400, 1);
        var test = Labelled(200, 2);
        var model = TinyModels.Random(Architecture.Dbm(16, 8, 4), seed: 3, scale: 1.0);
        var result = LinearProbe.Evaluate(model, train, test);
        Assert.True(result.PixelAccuracy >= 0.98, $"pixel accuracy {result.PixelAccuracy}");
        Assert.InRange(result.HiddenAccuracy, 0.0, 1.0);
        Assert.Equal([1, 2], result.Layers);
        Assert.Equal(12, result.FeatureCount);
        Assert.Equal(16, result.PixelCount);
        Assert.Equal(400, result.TrainRows);
        Assert.Equal(200, result.TestRows);

        var top = LinearProbe.Evaluate(model, train, test, [2], new LinearProbeOptions { IncludePixelBaseline = false, MaxTrainRows = 100, BatchSize = 33 });
        Assert.Equal(4, top.FeatureCount);
        Assert.Equal(100, top.TrainRows);
        Assert.True(double.IsNaN(top.PixelAccuracy));
    }

    [Fact]
    public void Features_are_the_mean_field_rates_of_the_chosen_layers_concatenated()
    {
        var data = Labelled(10, 4);
        var model = TinyModels.Random(Architecture.Dbm(16, 5, 3), seed: 5);
        var options = new LinearProbeOptions { BatchSize = 4 };
        var features = LinearProbe.Features(model, data, 10, [2, 1], options);
        var rates = MeanFieldSweep.Infer(model, SyntheticData.Block(data), 10, options.Sweeps, options.Damping);
        for (int r = 0; r < 10; r++)
        {
            Assert.Equal(rates[2].AsSpan(r * 3, 3).ToArray(), features.AsSpan(r * 8, 3).ToArray());
            Assert.Equal(rates[1].AsSpan(r * 5, 5).ToArray(), features.AsSpan(r * 8 + 3, 5).ToArray());
        }
    }

    [Fact]
    public void Unlabelled_data_and_non_hidden_layers_are_refused()
    {
        var model = TinyModels.Random(Architecture.Rbm(16, 4), seed: 6);
        var labelled = Labelled(20, 7);
        var unlabelled = BinaryDataset.FromBinaryRows(new float[16], 1, 16);
        Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(model, unlabelled, labelled));
        Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(model, labelled, labelled, [0]));
        Assert.Throws<ArgumentException>(() => LinearProbe.Evaluate(model, labelled, labelled, [2]));
    }
}
