using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Data;

namespace Vpf.ML.Tests;

/// <summary>One example of real-valued data: 10 readings on very different scales and a class label.</summary>
public sealed class ReadingRow
{
    /// <summary>The readings.</summary>
    [VectorType(GaussianTestData.Width)]
    public float[] Values { get; set; } = [];

    /// <summary>Class 0, 1 or 2.</summary>
    public uint Label { get; set; }
}

/// <summary>Small real-valued data sets for the Gaussian-visible featurizer.</summary>
internal static class GaussianTestData
{
    public const int Width = 10;

    /// <summary>
    /// <paramref name="rows"/> rows: column c is normal around 100·c − 300 (plus a class shift of (class − 1)·(c + 1))
    /// with standard deviation 0.5 + c, so that the columns' means and scales differ by orders of magnitude and
    /// standardising matters. Reproducible from <paramref name="seed"/>.
    /// </summary>
    public static List<ReadingRow> Rows(int rows, int seed)
    {
        var rng = new Random(seed);
        var result = new List<ReadingRow>(rows);
        for (int i = 0; i < rows; i++)
        {
            int label = i % 3;
            var values = new float[Width];
            for (int c = 0; c < Width; c++)
            {
                double normal = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                values[c] = (float)(100 * c - 300 + (label - 1) * (c + 1) + (0.5 + c) * normal);
            }
            result.Add(new ReadingRow { Values = values, Label = (uint)label });
        }
        return result;
    }

    public static IDataView View(MLContext mlContext, int rows, int seed) => mlContext.Data.LoadFromEnumerable(Rows(rows, seed));

    /// <summary>The rows' values, row after row.</summary>
    public static float[] Flat(IEnumerable<ReadingRow> rows) => rows.SelectMany(r => r.Values).ToArray();

    /// <summary>The rows standardised by the core (<see cref="Standardisation.Apply(Span{float})"/>), row after row.</summary>
    public static float[] Standardised(IEnumerable<ReadingRow> rows, Standardisation standardisation)
    {
        var values = Flat(rows);
        standardisation.Apply(values);
        return values;
    }

    /// <summary>Small Gaussian-visible options: an RBM of 8 hidden units unless told otherwise, 3 epochs, seeded.</summary>
    public static VpfFeaturizerOptions Options(string method = "vpf", int[]? hidden = null) => new()
    {
        VisibleUnits = Vpf.Core.Model.VisibleUnitKind.Gaussian,
        Method = method,
        HiddenLayers = hidden ?? [8],
        OutputLayers = hidden is { Length: > 1 } ? [.. Enumerable.Range(1, hidden.Length)] : null,
        Epochs = 3,
        BatchSize = 30,
        MeanFieldSweeps = 4,
        Seed = 5,
    };
}
