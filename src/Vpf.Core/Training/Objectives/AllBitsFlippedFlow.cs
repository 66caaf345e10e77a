using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// The flow from every joint state x to its complement x̄ = 1 − x (vpf-math.md §10.1): the term φ̄ = exp(½ ΔE),
/// ΔE = E(x) − E(x̄), added to K per row, and its gradient added to the single-flip one, states held fixed.
/// ΔE is linear in x, ΔE = C + Σ_l c_l·x_l, so the whole term costs one pass over the parameters per batch (C and the
/// coefficients c_l) and O(units) per row; the gradient of edge (k, j) is ½/B Σ_r φ̄_r (1 − x_k − x_j), accumulated
/// through the sums s = Σ_r φ̄_r and a_l = Σ_r φ̄_r x_{r,l} without any per-row outer product. Sums are in double:
/// C and Σ c·x are large and nearly cancel.
/// </summary>
/// <remarks>
/// With the Expected estimator the states are the factorised q's means μ (visible ones the data) and the term is
/// E_q[φ̄] = exp(½C) Π_k (1 − μ_k + μ_k e^{c_k/2}). Its gradient is ½ E_q[φ̄] ∂ΔE/∂θ evaluated at the tilted means
/// ρ_k = μ_k e^{c_k/2} / (1 − μ_k + μ_k e^{c_k/2}), so both cases share the accumulation with (weight, state) =
/// (φ̄, x) or (E_q[φ̄], ρ).
/// </remarks>
internal sealed class AllBitsFlippedFlow
{
    /// <summary>Upper limit on ½ ΔE: the single-flip terms' limit on |½ u| (<see cref="FlowTerms.DefaultFieldLimit"/> / 2).</summary>
    public const double ExponentLimit = FlowTerms.DefaultFieldLimit / 2.0;

    private readonly DeepBoltzmannMachine _model;
    private readonly double[][] _coefficients;
    private readonly double[][] _weighted;
    private double _constant;

    /// <summary>Allocates the per-unit buffers of <paramref name="model"/>.</summary>
    public AllBitsFlippedFlow(DeepBoltzmannMachine model)
    {
        if (model.Architecture.HasGaussianVisible)
            throw new ArgumentException($"The all-bits-flipped state needs binary visible units; {model.Architecture} has Gaussian ones.", nameof(model));
        _model = model;
        int layers = model.LayerCount;
        _coefficients = new double[layers][];
        _weighted = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            _coefficients[l] = new double[model.LayerSize(l)];
            _weighted[l] = new double[model.LayerSize(l)];
        }
    }

    /// <summary>
    /// Adds ∂K̄/∂θ to <paramref name="gradient"/> and returns K̄ = mean over the rows of φ̄ (with the clamp count) for the
    /// joint states <paramref name="states"/> (rows × n_l per layer): binary spikes or plug-in rates, or, when
    /// <paramref name="expected"/>, the means of a factorised q whose expectation of φ̄ is taken in closed form.
    /// </summary>
    public ObjectiveValue Add(IReadOnlyList<float[]> states, int rows, ParameterSet gradient, bool expected)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "Batch must have at least one row.");
        int layers = _model.LayerCount;
        for (int l = 0; l < layers; l++)
            if (states[l].Length < rows * _model.LayerSize(l))
                throw new ArgumentException($"Layer {l} holds {states[l].Length} values; {rows} rows need {rows * _model.LayerSize(l)}.", nameof(states));
        ComputeCoefficients();
        for (int l = 0; l < layers; l++) Array.Clear(_weighted[l]);
        double total = 0;
        long clamped = 0;
        for (int r = 0; r < rows; r++)
        {
            double exponent = expected ? LogExpectedTerm(states, r) : 0.5 * Difference(states, r);
            // Only from above: a very negative ½ΔE is the normal case (a data state is far more probable than its
            // complement) and e^{½ΔE} then underflows harmlessly to 0; counting it would flag every healthy batch.
            if (exponent > ExponentLimit) { exponent = ExponentLimit; clamped++; }
            double phi = Math.Exp(exponent);
            total += phi;
            for (int l = 0; l < layers; l++)
            {
                int n = _model.LayerSize(l);
                var x = states[l].AsSpan(r * n, n);
                var a = _weighted[l];
                var c = _coefficients[l];
                if (expected)
                    for (int k = 0; k < n; k++) a[k] += phi * Tilted(x[k], 0.5 * c[k]);
                else
                    for (int k = 0; k < n; k++) a[k] += phi * x[k];
            }
        }
        AccumulateGradient(gradient, total, 0.5 / rows);
        return new ObjectiveValue(total / rows, clamped);
    }

    /// <summary>ΔE = E(x) − E(1 − x) of row <paramref name="row"/>: C + Σ_l c_l·x_l.</summary>
    private double Difference(IReadOnlyList<float[]> states, int row)
    {
        double e = _constant;
        for (int l = 0; l < _model.LayerCount; l++)
        {
            int n = _model.LayerSize(l);
            var x = states[l].AsSpan(row * n, n);
            var c = _coefficients[l];
            for (int k = 0; k < n; k++) e += c[k] * x[k];
        }
        return e;
    }

    /// <summary>log E_q[exp(½ ΔE)] = ½C + Σ_k log(1 − μ_k + μ_k e^{c_k/2}) for the means of row <paramref name="row"/>.</summary>
    private double LogExpectedTerm(IReadOnlyList<float[]> states, int row)
    {
        double e = 0.5 * _constant;
        for (int l = 0; l < _model.LayerCount; l++)
        {
            int n = _model.LayerSize(l);
            var mu = states[l].AsSpan(row * n, n);
            var c = _coefficients[l];
            for (int k = 0; k < n; k++) e += LogMixture(mu[k], 0.5 * c[k]);
        }
        return e;
    }

    /// <summary>log(1 − μ + μ e^{a}), as a log-sum-exp so that neither e^{a} nor its reciprocal overflows (vpf-math.md §5).</summary>
    private static double LogMixture(double mu, double a)
    {
        if (mu <= 0) return 0;
        if (mu >= 1) return a;
        double p = Math.Log(mu) + a, q = Math.Log(1 - mu);
        return Math.Max(p, q) + Math.Log(1 + Math.Exp(-Math.Abs(p - q)));
    }

    /// <summary>ρ = μ e^{a} / (1 − μ + μ e^{a}): the probability of x_k = 1 under q tilted by exp(½ ΔE).</summary>
    private static double Tilted(double mu, double a)
    {
        if (mu <= 0) return 0;
        if (mu >= 1) return 1;
        // σ(log μ − log(1 − μ) + a), in the form that does not overflow.
        double t = Math.Log(mu) - Math.Log(1 - mu) + a;
        return t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));
    }

    /// <summary>
    /// C = Σ_l 1ᵀW_l1 + Σ_l Σ_{k&lt;j} L_l[k, j] + Σ_l b_l·1 and c_l = −2 b_l − W_l 1 − W_{l−1}ᵀ1 − (pairs of k in L_l),
    /// reading the lateral matrix's upper triangle as <see cref="DeepBoltzmannMachine.Energy"/> does.
    /// </summary>
    private void ComputeCoefficients()
    {
        var model = _model;
        int layers = model.LayerCount;
        double constant = 0;
        for (int l = 0; l < layers; l++)
        {
            var b = model.Biases(l);
            var c = _coefficients[l];
            for (int k = 0; k < c.Length; k++)
            {
                constant += b[k];
                c[k] = -2.0 * b[k];
            }
        }
        for (int l = 0; l < layers; l++)
        {
            int n = model.LayerSize(l);
            var c = _coefficients[l];
            if (l + 1 < layers)
            {
                int m = model.LayerSize(l + 1);
                var w = model.Weights(l);
                var above = _coefficients[l + 1];
                for (int k = 0; k < n; k++)
                {
                    double rowSum = 0;
                    for (int j = 0; j < m; j++)
                    {
                        double x = w[k * m + j];
                        rowSum += x;
                        above[j] -= x;
                    }
                    constant += rowSum;
                    c[k] -= rowSum;
                }
            }
            if (model.Lateral(l) is { } lateral)
                for (int k = 0; k < n; k++)
                    for (int j = k + 1; j < n; j++)
                    {
                        double x = lateral[k * n + j];
                        constant += x;
                        c[k] -= x;
                        c[j] -= x;
                    }
        }
        _constant = constant;
    }

    /// <summary>
    /// g_b += scale (s − 2a), g_W[k, j] += scale (s − a_l[k] − a_{l+1}[j]), g_L[k, j] += scale (s − a_l[k] − a_l[j]) off
    /// the diagonal (written to both mirror entries, as the single-flip lateral gradient is), with scale = ½/B.
    /// </summary>
    private void AccumulateGradient(ParameterSet gradient, double total, double scale)
    {
        int layers = _model.LayerCount;
        for (int l = 0; l < layers; l++)
        {
            int n = _model.LayerSize(l);
            var a = _weighted[l];
            var gb = gradient.Biases[l];
            for (int k = 0; k < n; k++) gb[k] += (float)(scale * (total - 2 * a[k]));
            if (l + 1 < layers)
            {
                int m = _model.LayerSize(l + 1);
                var above = _weighted[l + 1];
                var gw = gradient.Weights[l];
                for (int k = 0; k < n; k++)
                {
                    double own = total - a[k];
                    var row = gw.AsSpan(k * m, m);
                    for (int j = 0; j < m; j++) row[j] += (float)(scale * (own - above[j]));
                }
            }
            if (gradient.Laterals[l] is { } gl)
                for (int k = 0; k < n; k++)
                    for (int j = 0; j < n; j++)
                        if (j != k) gl[k * n + j] += (float)(scale * (total - (a[k] + a[j]))); // a_k + a_j: the same rounding for both mirror entries
        }
    }
}
