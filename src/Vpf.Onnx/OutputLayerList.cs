namespace Vpf.Onnx;

/// <summary>Checks and resolves a list of hidden layers to output (null → the top layer).</summary>
internal static class OutputLayerList
{
    /// <summary>The layers to output, checked: each in 1 … <paramref name="layerCount"/> − 1, no repeats, at least one.</summary>
    public static int[] Resolve(IReadOnlyList<int>? layers, int layerCount, string parameterName)
    {
        if (layerCount < 2)
            throw new ArgumentOutOfRangeException(parameterName, "The model has no hidden layer to take features from.");
        if (layers is null) return [layerCount - 1];
        if (layers.Count == 0)
            throw new ArgumentOutOfRangeException(parameterName, "At least one hidden layer must be output; give null for the top layer.");
        var seen = new HashSet<int>();
        foreach (int l in layers)
        {
            if (l < 1 || l >= layerCount)
                throw new ArgumentOutOfRangeException(parameterName, l, $"Layer {l} is not a hidden layer; the hidden layers are 1 … {layerCount - 1} (0 is the visible layer).");
            if (!seen.Add(l))
                throw new ArgumentOutOfRangeException(parameterName, l, $"Layer {l} is listed twice.");
        }
        return [.. layers];
    }

    /// <summary>Total width of the output: the sum of the chosen layers' sizes.</summary>
    public static int Width(IReadOnlyList<int> layers, IReadOnlyList<int> layerSizes) => layers.Sum(l => layerSizes[l]);
}
