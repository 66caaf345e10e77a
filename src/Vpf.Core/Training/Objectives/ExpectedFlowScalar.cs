using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// The scalar form of <see cref="ExpectedFlow"/>: one logaddexp and one stable sigmoid per (datum, unit, neighbour),
/// no precomputed tables. <see cref="ExpectedFlow"/> falls back to it for weights beyond |w| = 700, where e^{w/2}
/// is no longer safely representable in double (such a model's K has long since overflowed).
/// </summary>
internal static class ExpectedFlowScalar
{
    /// <summary>Batch mean of Σ_k E_q[φ_k]; <paramref name="gradient"/> is overwritten with its gradient.</summary>
    public static ObjectiveValue Compute(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int rows, ParameterSet gradient)
    {
        gradient.Clear();
        int layers = model.LayerCount;
        var a = new double[layers][];
        var b = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            a[l] = new double[model.LayerSize(l)];
            b[l] = new double[model.LayerSize(l)];
        }
        double total = 0;
        for (int r = 0; r < rows; r++) total += AccumulateRow(model, rates, r, gradient, a, b);
        float scale = 1f / rows;
        foreach (var t in gradient.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] *= scale;
        return new ObjectiveValue(total / rows, 0);
    }

    private static double AccumulateRow(DeepBoltzmannMachine model, IReadOnlyList<float[]> rates, int r, ParameterSet gradient,
        double[][] aOut, double[][] bOut)
    {
        int layers = model.LayerCount;
        double flow = 0;
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var mu = rates[l].AsSpan(r * n, n);
            var bias = model.Biases(l);
            for (int k = 0; k < n; k++)
            {
                double logA = Math.Log(mu[k]) - 0.5 * bias[k];
                double logB = Math.Log(1.0 - mu[k]) + 0.5 * bias[k];
                if (l > 0)
                {
                    int below = model.LayerSize(l - 1);
                    var w = model.Weights(l - 1);
                    var muJ = rates[l - 1].AsSpan(r * below, below);
                    for (int j = 0; j < below; j++)
                    {
                        logA += LogMix(muJ[j], -0.5 * w[j * n + k]);
                        logB += LogMix(muJ[j], 0.5 * w[j * n + k]);
                    }
                }
                if (l + 1 < layers)
                {
                    int above = model.LayerSize(l + 1);
                    var w = model.Weights(l);
                    var muJ = rates[l + 1].AsSpan(r * above, above);
                    for (int j = 0; j < above; j++)
                    {
                        logA += LogMix(muJ[j], -0.5 * w[k * above + j]);
                        logB += LogMix(muJ[j], 0.5 * w[k * above + j]);
                    }
                }
                if (model.Lateral(l) is { } lat)
                    for (int j = 0; j < n; j++)
                        if (j != k)
                        {
                            logA += LogMix(mu[j], -0.5 * lat[k * n + j]);
                            logB += LogMix(mu[j], 0.5 * lat[k * n + j]);
                        }
                double a = Math.Exp(logA), b = Math.Exp(logB);
                aOut[l][k] = a;
                bOut[l][k] = b;
                flow += a + b;
                gradient.Biases[l][k] += (float)(0.5 * (b - a));
            }
        }

        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var mu = rates[l].AsSpan(r * n, n);
            if (l + 1 < layers)
            {
                int m = model.LayerSize(l + 1);
                var muAbove = rates[l + 1].AsSpan(r * m, m);
                var w = model.Weights(l);
                var g = gradient.Weights[l];
                for (int k = 0; k < n; k++)
                    for (int j = 0; j < m; j++)
                    {
                        double wkj = w[k * m + j];
                        g[k * m + j] += (float)(EdgeTerm(aOut[l][k], bOut[l][k], muAbove[j], wkj) + EdgeTerm(aOut[l + 1][j], bOut[l + 1][j], mu[k], wkj));
                    }
            }
            if (model.Lateral(l) is { } lat)
            {
                var g = gradient.Laterals[l]!;
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++)
                    {
                        double wkj = lat[k * n + j];
                        float d = (float)(EdgeTerm(aOut[l][k], bOut[l][k], mu[j], wkj) + EdgeTerm(aOut[l][j], bOut[l][j], mu[k], wkj));
                        g[k * n + j] += d;
                        g[j * n + k] += d;
                    }
            }
        }
        return flow;
    }

    /// <summary>∂(A … + B …)/∂w through one neighbour: −½ A ρ(μ, −w/2) + ½ B ρ(μ, +w/2).</summary>
    private static double EdgeTerm(double a, double b, double mu, double w) =>
        -0.5 * a * Tilted(mu, -0.5 * w) + 0.5 * b * Tilted(mu, 0.5 * w);

    /// <summary>log(1 − μ + μ e^a) without overflow; exact for a clamped unit (μ ∈ {0, 1}).</summary>
    internal static double LogMix(double mu, double a)
    {
        if (mu <= 0) return 0;
        if (mu >= 1) return a;
        double p = Math.Log(1 - mu), q = Math.Log(mu) + a;
        double hi = Math.Max(p, q);
        return hi + Math.Log(Math.Exp(p - hi) + Math.Exp(q - hi));
    }

    /// <summary>ρ = μ e^a / (1 − μ + μ e^a): the probability of an active neighbour under the tilted factor.</summary>
    internal static double Tilted(double mu, double a)
    {
        if (mu <= 0) return 0;
        if (mu >= 1) return 1;
        double z = Math.Log(mu) - Math.Log(1 - mu) + a;
        return z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
    }
}
