using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// The <see cref="FlowEstimator.Expected"/> objective: the exact expectation of the binary flow under the factorised q,
/// in closed form (vpf-math.md §3.2):
/// E_q[φ_k] = A_k + B_k with A_k = μ_k e^{−b_k/2} Π_j (1 − μ_j + μ_j e^{−w_kj/2}) and
/// B_k = (1 − μ_k) e^{b_k/2} Π_j (1 − μ_j + μ_j e^{w_kj/2}) over the neighbours j of k (a clamped visible unit has μ = v).
/// </summary>
/// <remarks>
/// Products are accumulated in log space with log(1 − μ + μ e^a) = logaddexp(log(1 − μ), log μ + a), in double: the
/// naive log1p(μ(e^a − 1)) overflows once weights grow. The gradient with μ held fixed follows from
/// ∂ log(1 − μ + μ e^{±w/2}) / ∂w = ±½ ρ with ρ = μ e^{±w/2} / (1 − μ + μ e^{±w/2}) ∈ [0, 1], so
/// ∂E[φ_k]/∂w_kj = −½ A_k ρ⁻_kj + ½ B_k ρ⁺_kj and ∂E[φ_k]/∂b_k = ½ (B_k − A_k). The cost is a transcendental per
/// (datum, unit, neighbour) rather than a matrix product: this is the research estimator and the oracle the mean of
/// many sampled estimates must converge to.
/// </remarks>
public sealed class ExpectedFlow
{
    private readonly DeepBoltzmannMachine _model;
    private readonly double[][] _a, _b;

    /// <summary>Creates the estimator for <paramref name="model"/>.</summary>
    public ExpectedFlow(DeepBoltzmannMachine model)
    {
        _model = model;
        _a = new double[model.LayerCount][];
        _b = new double[model.LayerCount][];
        for (int l = 0; l < model.LayerCount; l++)
        {
            _a[l] = new double[model.LayerSize(l)];
            _b[l] = new double[model.LayerSize(l)];
        }
    }

    /// <summary>
    /// Computes the batch mean of Σ_k E_q[φ_k] for the factorised distributions with means <paramref name="rates"/>
    /// (rows × n_l per layer; binary entries are clamped units) and overwrites <paramref name="gradient"/> with its
    /// gradient, rates held fixed.
    /// </summary>
    public FlowEvaluation Compute(IReadOnlyList<float[]> rates, int rows, ParameterSet gradient)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Batch must have at least one row.");
        gradient.Clear();
        double total = 0;
        for (int r = 0; r < rows; r++) total += AccumulateRow(rates, r, gradient);
        float scale = 1f / rows;
        foreach (var t in gradient.Tensors)
            for (int i = 0; i < t.Length; i++) t[i] *= scale;
        return new FlowEvaluation(total / rows, 0);
    }

    private double AccumulateRow(IReadOnlyList<float[]> rates, int r, ParameterSet gradient)
    {
        var model = _model;
        int layers = model.LayerCount;
        double flow = 0;

        // Pass 1: log A_k and log B_k of every unit from its bias and neighbours.
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var mu = Row(rates, l, r);
            var bias = model.Biases(l);
            for (int k = 0; k < n; k++)
            {
                double logA = Math.Log(mu[k]) - 0.5 * bias[k];
                double logB = Math.Log(1.0 - mu[k]) + 0.5 * bias[k];
                foreach (var (muJ, w) in Neighbours(rates, l, k, r))
                {
                    logA += LogMix(muJ, -0.5 * w);
                    logB += LogMix(muJ, 0.5 * w);
                }
                double a = Math.Exp(logA), b = Math.Exp(logB);
                _a[l][k] = a;
                _b[l][k] = b;
                flow += a + b;
                gradient.Biases[l][k] += (float)(0.5 * (b - a));
            }
        }

        // Pass 2: each edge collects its derivative from both endpoints' terms.
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var mu = Row(rates, l, r);
            if (l + 1 < layers)
            {
                int m = model.LayerSize(l + 1);
                var muAbove = Row(rates, l + 1, r);
                var w = model.Weights(l);
                var g = gradient.Weights[l];
                for (int k = 0; k < n; k++)
                    for (int j = 0; j < m; j++)
                    {
                        double wkj = w[k * m + j];
                        g[k * m + j] += (float)(EdgeTerm(_a[l][k], _b[l][k], muAbove[j], wkj) + EdgeTerm(_a[l + 1][j], _b[l + 1][j], mu[k], wkj));
                    }
            }
            if (model.Lateral(l) is { } lat)
            {
                var g = gradient.Laterals[l]!;
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++)
                    {
                        double wkj = lat[k * n + j];
                        float d = (float)(EdgeTerm(_a[l][k], _b[l][k], mu[j], wkj) + EdgeTerm(_a[l][j], _b[l][j], mu[k], wkj));
                        g[k * n + j] += d;
                        g[j * n + k] += d;
                    }
            }
        }
        return flow;
    }

    private IEnumerable<(double Mu, double Weight)> Neighbours(IReadOnlyList<float[]> rates, int l, int k, int r)
    {
        var model = _model;
        int n = model.LayerSize(l);
        if (l > 0)
        {
            int below = model.LayerSize(l - 1);
            var w = model.Weights(l - 1);
            var mu = rates[l - 1];
            for (int j = 0; j < below; j++) yield return (mu[r * below + j], w[j * n + k]);
        }
        if (l + 1 < model.LayerCount)
        {
            int above = model.LayerSize(l + 1);
            var w = model.Weights(l);
            var mu = rates[l + 1];
            for (int j = 0; j < above; j++) yield return (mu[r * above + j], w[k * above + j]);
        }
        if (model.Lateral(l) is { } lat)
        {
            var mu = rates[l];
            for (int j = 0; j < n; j++)
                if (j != k) yield return (mu[r * n + j], lat[k * n + j]);
        }
    }

    private ReadOnlySpan<float> Row(IReadOnlyList<float[]> rates, int layer, int r)
    {
        int n = _model.LayerSize(layer);
        return rates[layer].AsSpan(r * n, n);
    }

    /// <summary>∂(A e.. + B ..)/∂w through one neighbour: −½ A ρ(μ, −w/2) + ½ B ρ(μ, +w/2).</summary>
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
