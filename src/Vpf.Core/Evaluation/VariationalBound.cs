using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Evaluation;

/// <summary>
/// The mean-field variational lower bound on log p(v) of a DBM (Salakhutdinov &amp; Hinton 2009):
/// log p(v) ≥ E_q[−E(v, h)] + H(q) − log Z, with the factorised q(h | v) = Π Bernoulli(μ) from <see cref="MeanFieldSweep"/>.
/// </summary>
/// <remarks>
/// E is linear in each unit and lateral matrices have a zero diagonal, so under a factorised q
/// E_q[−E] is −E evaluated at the means: Σ_l b_lᵀμ_l + ½ μ_lᵀL_lμ_l + μ_lᵀW_lμ_{l+1} with μ_0 = v (for Gaussian visible
/// units −½|v − b_0|² in place of b_0ᵀv, vpf-math.md §9). The bound holds for any
/// q, converged or not; for an RBM the mean field is the exact posterior and the bound equals log p(v).
/// Evaluated in double from the single-precision means.
/// </remarks>
public static class VariationalBound
{
    /// <summary>Mean-field sweeps used unless told otherwise.</summary>
    public const int DefaultSweeps = 30;

    /// <summary>The lower bound on log p(v) of every row of <paramref name="visible"/> (rows × n_0 of 0/1, or real values for Gaussian visible units).</summary>
    /// <param name="model">The machine.</param>
    /// <param name="visible">Visible vectors, rows × n_0.</param>
    /// <param name="rows">Number of vectors.</param>
    /// <param name="logPartition">log Z (exact, or an AIS estimate).</param>
    /// <param name="sweeps">Mean-field sweeps.</param>
    /// <param name="damping">Damping of layers with lateral weights.</param>
    public static double[] LowerBounds(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, double logPartition,
        int sweeps = DefaultSweeps, float damping = MeanFieldSweep.DefaultDamping)
    {
        var rates = MeanFieldSweep.Infer(model, visible, rows, sweeps, damping);
        var bounds = new double[rows];
        for (int r = 0; r < rows; r++) bounds[r] = NegativeEnergyAndEntropy(model, rates, r) - logPartition;
        return bounds;
    }

    /// <summary>The mean of <see cref="LowerBounds"/>: a lower bound on the mean test log-likelihood.</summary>
    public static double MeanLowerBound(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, double logPartition,
        int sweeps = DefaultSweeps, float damping = MeanFieldSweep.DefaultDamping)
    {
        if (rows < 1) throw new ArgumentException("At least one row is needed.", nameof(rows));
        return LowerBounds(model, visible, rows, logPartition, sweeps, damping).Average();
    }

    /// <summary>E_q[−E(v, h)] + H(q) for row <paramref name="r"/> of the rates.</summary>
    internal static double NegativeEnergyAndEntropy(DeepBoltzmannMachine model, float[][] rates, int r)
    {
        double total = 0;
        for (int l = 0; l < model.LayerCount; l++)
        {
            int n = model.LayerSize(l);
            var mu = rates[l].AsSpan(r * n, n);
            if (l == 0 && model.Architecture.HasGaussianVisible)
                total -= HalfSquaredDistance(mu, model.Biases(0)); // ½|v − b|² in place of −bᵀv (vpf-math.md §9)
            else
                total += Dot(model.Biases(l), mu);
            if (model.Lateral(l) is { } lateral)
                for (int k = 0; k < n; k++)
                    if (mu[k] != 0) total += 0.5 * mu[k] * Dot(lateral.AsSpan(k * n, n), mu);
            if (l + 1 < model.LayerCount)
            {
                int m = model.LayerSize(l + 1);
                var above = rates[l + 1].AsSpan(r * m, m);
                var w = model.Weights(l);
                for (int k = 0; k < n; k++)
                    if (mu[k] != 0) total += mu[k] * Dot(w.AsSpan(k * m, m), above);
            }
            if (l > 0)
                foreach (float p in mu)
                {
                    if (p > 0) total -= p * Math.Log(p);
                    if (p < 1) total -= (1.0 - p) * Math.Log(1.0 - p);
                }
        }
        return total;
    }

    private static double HalfSquaredDistance(ReadOnlySpan<float> v, ReadOnlySpan<float> b)
    {
        double total = 0;
        for (int i = 0; i < v.Length; i++)
        {
            double d = (double)v[i] - b[i];
            total += 0.5 * d * d;
        }
        return total;
    }

    /// <summary>Dot product accumulated in double.</summary>
    internal static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => EvaluationKernels.Dot(a, b);
}
