using Microsoft.ML;
using Microsoft.ML.Data;
using Vpf.Core.Model;

namespace Vpf.ML.Tests;

/// <summary>One example: 64 pixel intensities in [0, 255] and a class label.</summary>
public sealed class ImageRow
{
    /// <summary>Intensities.</summary>
    [VectorType(TestData.Pixels)]
    public float[] Pixels { get; set; } = [];

    /// <summary>Class 0, 1 or 2.</summary>
    public uint Label { get; set; }
}

/// <summary>Small synthetic data sets and models made by the tests themselves.</summary>
internal static class TestData
{
    public const int Pixels = 64;

    /// <summary>
    /// <paramref name="rows"/> noisy copies of three fixed 8×8 prototypes (a bar on the left, a bar at the top, a
    /// diagonal): "on" pixels have intensities 160…255 and "off" pixels 0…100, and 5 % of pixels are flipped. Separable
    /// by class, reproducible from <paramref name="seed"/>.
    /// </summary>
    public static List<ImageRow> Images(int rows, int seed)
    {
        var rng = new Random(seed);
        var prototypes = new bool[3][];
        for (int k = 0; k < 3; k++) prototypes[k] = new bool[Pixels];
        for (int r = 0; r < 8; r++)
            for (int c = 0; c < 8; c++)
            {
                prototypes[0][r * 8 + c] = c < 3;
                prototypes[1][r * 8 + c] = r < 3;
                prototypes[2][r * 8 + c] = Math.Abs(r - c) <= 1;
            }
        var result = new List<ImageRow>(rows);
        for (int i = 0; i < rows; i++)
        {
            int label = i % 3;
            var pixels = new float[Pixels];
            for (int p = 0; p < Pixels; p++)
            {
                bool on = prototypes[label][p] ^ (rng.NextDouble() < 0.05);
                pixels[p] = on ? 160 + rng.Next(96) : rng.Next(101);
            }
            result.Add(new ImageRow { Pixels = pixels, Label = (uint)label });
        }
        return result;
    }

    public static IDataView View(MLContext mlContext, int rows, int seed) => mlContext.Data.LoadFromEnumerable(Images(rows, seed));

    /// <summary>Binarises as the featurizer does: on when intensity ≥ 0.5 × 255.</summary>
    public static float[] Binarise(IEnumerable<float[]> rows, float threshold = 127.5f) =>
        rows.SelectMany(r => r.Select(x => x >= threshold ? 1f : 0f)).ToArray();

    /// <summary>A machine with weights of scale 0.5 (rates well away from ½), random biases and, where the architecture has them, symmetric zero-diagonal laterals.</summary>
    public static DeepBoltzmannMachine RandomModel(Architecture architecture, int seed)
    {
        var model = DeepBoltzmannMachine.CreateRandom(architecture, seed, weightScale: 0.5f);
        var rng = new Random(seed + 1);
        for (int l = 0; l < model.LayerCount; l++)
        {
            var b = model.Biases(l);
            for (int i = 0; i < b.Length; i++) b[i] = (float)(rng.NextDouble() - 0.5);
            if (model.Lateral(l) is { } lat)
            {
                int n = model.LayerSize(l);
                for (int i = 0; i < n; i++)
                    for (int j = i + 1; j < n; j++)
                        lat[i * n + j] = lat[j * n + i] = (float)(rng.NextDouble() - 0.5);
            }
        }
        return model;
    }

    /// <summary>The values of a vector column, row by row.</summary>
    public static List<float[]> Column(IDataView view, string name)
    {
        var column = view.Schema[name];
        var rows = new List<float[]>();
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows.Add(buffer.DenseValues().ToArray());
        }
        return rows;
    }

    /// <summary>SchemaShape.Create is internal in ML.NET 5; estimators' GetOutputSchema is tested through it by reflection.</summary>
    public static SchemaShape Shape(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .Invoke(null, [schema])!;

    public static void AssertClose(IReadOnlyList<float[]> expected, IReadOnlyList<float[]> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        for (int r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (int i = 0; i < expected[r].Length; i++) worst = Math.Max(worst, Math.Abs(expected[r][i] - actual[r][i]));
        }
        Assert.True(worst <= tolerance, $"largest difference {worst:G3} exceeds {tolerance:G3}");
    }

    /// <summary>Rows × width of a flat array, as rows.</summary>
    public static List<float[]> Rows(float[] flat, int width) =>
        Enumerable.Range(0, flat.Length / width).Select(r => flat.AsSpan(r * width, width).ToArray()).ToList();
}
