using Vpf.Core.Model;

namespace Vpf.Core.Evaluation;

/// <summary>
/// Exact log partition function and log-likelihood of small machines by enumeration, in double. The oracle against
/// which training on tiny models is judged (and later AIS).
/// </summary>
public static class ExactLikelihood
{
    /// <summary>Largest number of enumerated units: 2^24 states is already tens of millions of energies.</summary>
    public const int MaxEnumeratedUnits = 24;

    /// <summary>
    /// log Z. An RBM sums its hidden units out analytically and enumerates its visible units; any other machine is
    /// enumerated over all units.
    /// </summary>
    public static double LogPartition(DeepBoltzmannMachine model)
    {
        if (model.Architecture.IsRbm && model.Lateral(0) is null)
        {
            int nv = model.LayerSize(0);
            Require(nv, model);
            var terms = new double[1 << nv];
            var v = new float[nv];
            for (int s = 0; s < terms.Length; s++)
            {
                Fill(v, s);
                terms[s] = -RbmFreeEnergy(model, v);
            }
            return LogSumExp(terms);
        }
        int total = model.Architecture.LayerSizes.Sum();
        Require(total, model);
        var states = model.Architecture.LayerSizes.Select(n => new float[n]).ToArray();
        var all = new double[1 << total];
        for (int s = 0; s < all.Length; s++)
        {
            Fill(states, s);
            all[s] = -model.Energy(states);
        }
        return LogSumExp(all);
    }

    /// <summary>Mean over <paramref name="visibleRows"/> (each of length n_0, 0/1) of log p(v), given log Z.</summary>
    public static double MeanLogLikelihood(DeepBoltzmannMachine model, IReadOnlyList<float[]> visibleRows, double logPartition)
    {
        double sum = 0;
        foreach (var v in visibleRows) sum += LogUnnormalisedMarginal(model, v) - logPartition;
        return sum / visibleRows.Count;
    }

    /// <summary>log Σ_h exp(−E(v, h)): exact free energy for an RBM, enumeration of the hidden units otherwise.</summary>
    public static double LogUnnormalisedMarginal(DeepBoltzmannMachine model, float[] visible)
    {
        if (model.Architecture.IsRbm && model.Lateral(0) is null) return -RbmFreeEnergy(model, visible);
        int hidden = model.Architecture.LayerSizes.Sum() - model.LayerSize(0);
        Require(hidden, model);
        var states = model.Architecture.LayerSizes.Select(n => new float[n]).ToArray();
        visible.CopyTo(states[0], 0);
        var terms = new double[1 << hidden];
        for (int s = 0; s < terms.Length; s++)
        {
            Fill(states.AsSpan(1), s);
            terms[s] = -model.Energy(states);
        }
        return LogSumExp(terms);
    }

    /// <summary>F(v) = −bᵀv − Σ_j softplus(c_j + (vW)_j) of an RBM.</summary>
    public static double RbmFreeEnergy(DeepBoltzmannMachine model, ReadOnlySpan<float> v)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var w = model.Weights(0);
        var b = model.Biases(0);
        var c = model.Biases(1);
        double f = 0;
        for (int k = 0; k < nv; k++) f -= (double)b[k] * v[k];
        for (int j = 0; j < nh; j++)
        {
            double z = c[j];
            for (int k = 0; k < nv; k++) z += (double)v[k] * w[k * nh + j];
            f -= z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
        }
        return f;
    }

    /// <summary>Numerically stable log Σ exp(t).</summary>
    public static double LogSumExp(ReadOnlySpan<double> terms)
    {
        double max = double.NegativeInfinity;
        foreach (double t in terms) max = Math.Max(max, t);
        if (double.IsNegativeInfinity(max)) return max;
        double s = 0;
        foreach (double t in terms) s += Math.Exp(t - max);
        return max + Math.Log(s);
    }

    private static void Require(int units, DeepBoltzmannMachine model)
    {
        if (units > MaxEnumeratedUnits)
            throw new InvalidOptionsException("model", $"exact enumeration of {model.Architecture} needs 2^{units} states; at most 2^{MaxEnumeratedUnits} are allowed — use AIS.");
    }

    private static void Fill(float[] x, int bits)
    {
        for (int i = 0; i < x.Length; i++) x[i] = (bits >> i) & 1;
    }

    private static void Fill(Span<float[]> layers, int bits)
    {
        int shift = 0;
        foreach (var x in layers)
        {
            for (int i = 0; i < x.Length; i++) x[i] = (bits >> (shift + i)) & 1;
            shift += x.Length;
        }
    }
}
