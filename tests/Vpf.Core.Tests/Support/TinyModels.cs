using Vpf.Core.Model;

namespace Vpf.Core.Tests.Support;

/// <summary>Small random machines and states for oracle tests (enumeration, finite differences).</summary>
internal static class TinyModels
{
    /// <summary>Architectures every gradient test runs on: RBM, DBMs, lateral weights in hidden and visible layers.</summary>
    public static TheoryData<string> Names =>
    [
        "3-2", "3-2L", "2-3-2", "2-3L-2L", "4L", "2-2-2-2", "3L-2",
    ];

    /// <summary>Parses names like "2-3L-2": sizes joined by '-', an 'L' marks lateral weights.</summary>
    public static Architecture Parse(string name)
    {
        var parts = name.Split('-');
        return new Architecture(parts.Select(p => int.Parse(p.TrimEnd('L'))).ToArray(), parts.Select(p => p.EndsWith('L')).ToArray());
    }

    /// <summary>A model with every parameter (weights, biases, symmetric zero-diagonal laterals) drawn from N(0, scale²).</summary>
    public static DeepBoltzmannMachine Random(Architecture architecture, int seed, double scale = 0.7)
    {
        var rng = new Random(seed);
        var model = new DeepBoltzmannMachine(architecture);
        foreach (var w in model.Parameters.Weights) Fill(w, rng, scale);
        foreach (var b in model.Parameters.Biases) Fill(b, rng, scale);
        for (int l = 0; l < model.LayerCount; l++)
            if (model.Lateral(l) is { } lat)
            {
                int n = model.LayerSize(l);
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++)
                        lat[k * n + j] = lat[j * n + k] = (float)(scale * Normal(rng));
            }
        return model;
    }

    /// <summary>Per layer rows × n_l states: 0/1 when <paramref name="binary"/>, otherwise rates in (0, 1); layer 0 always 0/1.</summary>
    public static float[][] RandomStates(DeepBoltzmannMachine model, int rows, int seed, bool binary)
    {
        var rng = new Random(seed);
        var states = new float[model.LayerCount][];
        for (int l = 0; l < model.LayerCount; l++)
        {
            states[l] = new float[rows * model.LayerSize(l)];
            for (int i = 0; i < states[l].Length; i++)
                states[l][i] = binary || l == 0 ? rng.Next(2) : (float)(0.05 + 0.9 * rng.NextDouble());
        }
        return states;
    }

    /// <summary>Indices of every free parameter: (tensor, index, mirror index for a lateral entry or -1).</summary>
    public static IEnumerable<(float[] Tensor, float[] GradientTensor, int Index, int Mirror, string Name)> FreeParameters(
        DeepBoltzmannMachine model, ParameterSet gradient)
    {
        for (int l = 0; l < model.LayerCount - 1; l++)
            for (int i = 0; i < model.Weights(l).Length; i++)
                yield return (model.Weights(l), gradient.Weights[l], i, -1, $"W{l}[{i}]");
        for (int l = 0; l < model.LayerCount; l++)
            for (int i = 0; i < model.Biases(l).Length; i++)
                yield return (model.Biases(l), gradient.Biases[l], i, -1, $"b{l}[{i}]");
        for (int l = 0; l < model.LayerCount; l++)
            if (model.Lateral(l) is { } lat)
            {
                int n = model.LayerSize(l);
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++)
                        yield return (lat, gradient.Laterals[l]!, k * n + j, j * n + k, $"L{l}[{k},{j}]");
            }
    }

    /// <summary>Central finite difference of <paramref name="objective"/> in one parameter (both mirror entries of a lateral weight move).</summary>
    public static double CentralDifference(Func<double> objective, float[] tensor, int index, int mirror, float step)
    {
        float saved = tensor[index];
        Set(tensor, index, mirror, saved + step);
        double plus = objective();
        Set(tensor, index, mirror, saved - step);
        double minus = objective();
        Set(tensor, index, mirror, saved);
        return (plus - minus) / (2 * step);
    }

    private static void Set(float[] t, int i, int mirror, float value)
    {
        t[i] = value;
        if (mirror >= 0) t[mirror] = value;
    }

    private static void Fill(float[] t, Random rng, double scale)
    {
        for (int i = 0; i < t.Length; i++) t[i] = (float)(scale * Normal(rng));
    }

    public static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
