using System.Diagnostics;
using Vpf.Core.Data;
using Vpf.Core.Inference;
using Vpf.Core.Model;

namespace Vpf.Core.Evaluation;

/// <summary>
/// Linear-probe evaluation of learned features (vpf-math.md §7): a multinomial logistic regression
/// (<see cref="SoftmaxRegression"/>) is fitted on the mean-field hidden rates of the training images and scored on
/// the test images, next to the same probe on raw pixels.
/// </summary>
public static class LinearProbe
{
    /// <summary>Fits and scores the probe.</summary>
    /// <param name="model">The trained machine.</param>
    /// <param name="train">Labelled training images.</param>
    /// <param name="test">Labelled test images.</param>
    /// <param name="layers">Hidden layers (1…L) whose rates are concatenated, in the given order; null for all hidden layers.</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <exception cref="ArgumentException">A set has no labels, its dimension differs from the model's, or a layer index is out of range.</exception>
    /// <remarks>Holds the features of both sets as floats: rows × (sum of the chosen layer sizes) each.</remarks>
    public static LinearProbeResult Evaluate(DeepBoltzmannMachine model, Dataset train, Dataset test,
        IReadOnlyList<int>? layers = null, LinearProbeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        options ??= new LinearProbeOptions();
        options.Validate();
        CheckSet(model, train, nameof(train));
        CheckSet(model, test, nameof(test));
        var chosen = (layers ?? Enumerable.Range(1, model.LayerCount - 1).ToArray()).ToArray();
        if (chosen.Length == 0)
            throw new ArgumentException($"Choose at least one hidden layer; the model's hidden layers are 1…{model.LayerCount - 1}.", nameof(layers));
        foreach (int l in chosen)
            if (l < 1 || l >= model.LayerCount)
                throw new ArgumentException($"Layer {l} is not a hidden layer; the model's hidden layers are 1…{model.LayerCount - 1}.", nameof(layers));

        int trainRows = Math.Min(train.Count, options.MaxTrainRows ?? int.MaxValue);
        var trainLabels = train.Labels.Span[..trainRows];
        var testLabels = test.Labels.Span;

        var clock = Stopwatch.StartNew();
        int featureCount = chosen.Sum(model.LayerSize);
        var trainFeatures = Features(model, train, trainRows, chosen, options);
        var testFeatures = Features(model, test, test.Count, chosen, options);
        var probe = SoftmaxRegression.Fit(trainFeatures, trainRows, featureCount, trainLabels, options.Regression);
        double hiddenAccuracy = probe.Accuracy(testFeatures, test.Count, testLabels);
        double seconds = clock.Elapsed.TotalSeconds;

        double pixelAccuracy = double.NaN, pixelSeconds = 0;
        if (options.IncludePixelBaseline)
        {
            clock.Restart();
            int d = train.Dimension;
            var trainPixels = new float[(long)trainRows * d];
            train.CopyRows(Enumerable.Range(0, trainRows).ToArray(), trainPixels);
            var testPixels = new float[(long)test.Count * d];
            test.CopyRows(Enumerable.Range(0, test.Count).ToArray(), testPixels);
            var pixelProbe = SoftmaxRegression.Fit(trainPixels, trainRows, d, trainLabels, options.Regression);
            pixelAccuracy = pixelProbe.Accuracy(testPixels, test.Count, testLabels);
            pixelSeconds = clock.Elapsed.TotalSeconds;
        }
        return new LinearProbeResult(hiddenAccuracy, pixelAccuracy, chosen, featureCount, train.Dimension,
            trainRows, test.Count, seconds, pixelSeconds);
    }

    /// <summary>
    /// Mean-field hidden rates of the first <paramref name="rows"/> rows of <paramref name="data"/>, the chosen layers
    /// concatenated per row (rows × Σ n_l).
    /// </summary>
    internal static float[] Features(DeepBoltzmannMachine model, Dataset data, int rows, int[] layers, LinearProbeOptions options)
    {
        int width = layers.Sum(model.LayerSize), d = data.Dimension;
        var features = new float[(long)rows * width];
        var pixels = new float[Math.Min(rows, options.BatchSize) * d];
        for (int start = 0; start < rows; start += options.BatchSize)
        {
            int count = Math.Min(options.BatchSize, rows - start);
            data.CopyRows(Enumerable.Range(start, count).ToArray(), pixels);
            var rates = MeanFieldSweep.Infer(model, pixels.AsSpan(0, count * d), count, options.Sweeps, options.Damping);
            for (int r = 0; r < count; r++)
            {
                int offset = (start + r) * width;
                foreach (int l in layers)
                {
                    int n = model.LayerSize(l);
                    rates[l].AsSpan(r * n, n).CopyTo(features.AsSpan(offset, n));
                    offset += n;
                }
            }
        }
        return features;
    }

    private static void CheckSet(DeepBoltzmannMachine model, Dataset data, string name)
    {
        if (!data.HasLabels)
            throw new ArgumentException("A linear probe needs labels; this data set has none.", name);
        if (data.Dimension != model.LayerSize(0))
            throw new ArgumentException($"The model has {model.LayerSize(0)} visible units but the data set has {data.Dimension} values per row.", name);
        if (data.Count == 0)
            throw new ArgumentException("The data set is empty.", name);
    }
}
