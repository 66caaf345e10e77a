using Vpf.Core.Model;

namespace Vpf.Core.Tests.Training;

/// <summary>The edges of a machine as (unit, unit, weight) over global unit indices, and each unit's bias.</summary>
internal sealed class FlatMachine
{
    public readonly int[] Offsets;
    public readonly int Units;
    public readonly double[] Bias;
    public readonly List<(int K, int J, double W)> Edges = [];
    public readonly List<(int K, int J)>[] Neighbours;

    public FlatMachine(DeepBoltzmannMachine model)
    {
        int layers = model.LayerCount;
        Offsets = new int[layers + 1];
        for (int l = 0; l < layers; l++) Offsets[l + 1] = Offsets[l] + model.LayerSize(l);
        Units = Offsets[layers];
        Bias = new double[Units];
        for (int l = 0; l < layers; l++)
            for (int k = 0; k < model.LayerSize(l); k++) Bias[Offsets[l] + k] = model.Biases(l)[k];
        for (int l = 0; l + 1 < layers; l++)
        {
            int n = model.LayerSize(l), m = model.LayerSize(l + 1);
            for (int k = 0; k < n; k++)
                for (int j = 0; j < m; j++) Edges.Add((Offsets[l] + k, Offsets[l + 1] + j, model.Weights(l)[k * m + j]));
        }
        for (int l = 0; l < layers; l++)
            if (model.Lateral(l) is { } lat)
            {
                int n = model.LayerSize(l);
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++) Edges.Add((Offsets[l] + k, Offsets[l] + j, lat[k * n + j]));
            }
        Neighbours = [.. Enumerable.Range(0, Units).Select(_ => new List<(int, int)>())];
        for (int e = 0; e < Edges.Count; e++)
        {
            Neighbours[Edges[e].K].Add((Edges[e].J, e));
            Neighbours[Edges[e].J].Add((Edges[e].K, e));
        }
    }

    /// <summary>Row r of the per-layer rates as one vector over all units.</summary>
    public double[] Row(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int r)
    {
        var mu = new double[Units];
        for (int l = 0; l < model.LayerCount; l++)
        {
            int n = model.LayerSize(l);
            for (int k = 0; k < n; k++) mu[Offsets[l] + k] = rates[l][r * n + k];
        }
        return mu;
    }

    /// <summary>Spreads per-edge and per-unit gradients into tensors in <see cref="ParameterSet.Tensors"/> order (laterals symmetric).</summary>
    public double[][] Tensors(DeepBoltzmannMachine model, double[] edgeGradient, double[] biasGradient)
    {
        int layers = model.LayerCount;
        var tensors = new List<double[]>();
        int e = 0;
        for (int l = 0; l + 1 < layers; l++)
        {
            var g = new double[model.Weights(l).Length];
            for (int i = 0; i < g.Length; i++) g[i] = edgeGradient[e++];
            tensors.Add(g);
        }
        for (int l = 0; l < layers; l++) tensors.Add(biasGradient[Offsets[l]..Offsets[l + 1]]);
        for (int l = 0; l < layers; l++)
            if (model.Lateral(l) is not null)
            {
                int n = model.LayerSize(l);
                var g = new double[n * n];
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++) g[k * n + j] = g[j * n + k] = edgeGradient[e++];
                tensors.Add(g);
            }
        return [.. tensors];
    }
}

/// <summary>
/// K = mean over rows of E_q[Σ_k φ_k(x)] with φ_k = exp(½(1 − 2x_k)u_k), u = b + Wx, and its gradient
/// E_q[Σ_k δ_k ∂u_k/∂θ], δ_k = ½(1 − 2x_k)φ_k, by summing over every joint state x of the units whose rate is strictly
/// between 0 and 1 (the others are fixed at their rate), weighted by q(x) = Π μ^x (1 − μ)^{1−x}.
/// </summary>
internal static class ExpectedFlowEnumeration
{
    public static (double K, double[][] Gradient) Compute(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int rows)
    {
        var flat = new FlatMachine(model);
        var edgeGradient = new double[flat.Edges.Count];
        var biasGradient = new double[flat.Units];
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            double[] mu = flat.Row(model, rates, r);
            int[] free = [.. Enumerable.Range(0, flat.Units).Where(k => mu[k] > 0 && mu[k] < 1)];
            if (free.Length > 20) throw new InvalidOperationException($"{free.Length} free units are too many to enumerate.");
            var x = new double[flat.Units];
            var u = new double[flat.Units];
            var delta = new double[flat.Units];
            for (long s = 0; s < 1L << free.Length; s++)
            {
                for (int k = 0; k < flat.Units; k++) x[k] = mu[k];
                double q = 1;
                for (int f = 0; f < free.Length; f++)
                {
                    int k = free[f];
                    x[k] = (s >> f) & 1;
                    q *= x[k] == 1 ? mu[k] : 1 - mu[k];
                }
                Array.Copy(flat.Bias, u, flat.Units);
                foreach (var (k, j, w) in flat.Edges)
                {
                    u[k] += w * x[j];
                    u[j] += w * x[k];
                }
                for (int k = 0; k < flat.Units; k++)
                {
                    double phi = Math.Exp(0.5 * (1 - 2 * x[k]) * u[k]);
                    total += q * phi;
                    delta[k] = 0.5 * (1 - 2 * x[k]) * phi;
                    biasGradient[k] += q * delta[k];
                }
                for (int e = 0; e < flat.Edges.Count; e++)
                {
                    var (k, j, _) = flat.Edges[e];
                    edgeGradient[e] += q * (delta[k] * x[j] + delta[j] * x[k]);
                }
            }
        }
        for (int e = 0; e < edgeGradient.Length; e++) edgeGradient[e] /= rows;
        for (int k = 0; k < biasGradient.Length; k++) biasGradient[k] /= rows;
        return (total / rows, flat.Tensors(model, edgeGradient, biasGradient));
    }
}

/// <summary>
/// The closed form of vpf-math.md §3 with plain products in double: E_q[φ_k] = μ_k e^{−b_k/2} Π_j m_j(−) +
/// (1 − μ_k) e^{b_k/2} Π_j m_j(+), m_j(±) = 1 − μ_j + μ_j e^{±w_kj/2}; each derivative by w_kj replaces the factor m_j by
/// its derivative ±½ μ_j e^{±w_kj/2}, the other factors multiplied out again (no division, no logarithm).
/// </summary>
internal static class ExpectedFlowProducts
{
    public static (double K, double[][] Gradient) Compute(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int rows)
    {
        var flat = new FlatMachine(model);
        var edgeGradient = new double[flat.Edges.Count];
        var biasGradient = new double[flat.Units];
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            double[] mu = flat.Row(model, rates, r);
            for (int k = 0; k < flat.Units; k++)
            {
                var neighbours = flat.Neighbours[k];
                foreach (double sign in new[] { -1.0, 1.0 })
                {
                    // sign −1: the x_k = 1 side (weight μ_k, φ = e^{−u/2}); +1: the x_k = 0 side (weight 1 − μ_k, φ = e^{u/2}).
                    double front = (sign < 0 ? mu[k] : 1 - mu[k]) * Math.Exp(sign * 0.5 * flat.Bias[k]);
                    double product = front;
                    foreach (var (j, e) in neighbours) product *= 1 - mu[j] + mu[j] * Math.Exp(sign * 0.5 * flat.Edges[e].W);
                    total += product;
                    biasGradient[k] += sign * 0.5 * product;
                    foreach (var (j, e) in neighbours)
                    {
                        double d = front * sign * 0.5 * mu[j] * Math.Exp(sign * 0.5 * flat.Edges[e].W);
                        foreach (var (i, e2) in neighbours)
                            if (i != j) d *= 1 - mu[i] + mu[i] * Math.Exp(sign * 0.5 * flat.Edges[e2].W);
                        edgeGradient[e] += d;
                    }
                }
            }
        }
        for (int e = 0; e < edgeGradient.Length; e++) edgeGradient[e] /= rows;
        for (int k = 0; k < biasGradient.Length; k++) biasGradient[k] /= rows;
        return (total / rows, flat.Tensors(model, edgeGradient, biasGradient));
    }
}
