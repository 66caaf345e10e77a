using Vpf.Core.Model;

namespace Vpf.Core.Evaluation;

/// <summary>
/// Exact log partition function and log-likelihood of small machines by enumeration, in double. The oracle against
/// which training on tiny models, Gibbs sampling and AIS are judged.
/// </summary>
/// <remarks>
/// Layers of one parity (all odd, or all even) that have no lateral weights are conditionally independent given the
/// other parity, so they are summed out analytically: Σ_x exp(b·x + x·f) = Π_k (1 + e^{b_k + f_k}). Only the other
/// parity is enumerated, and of the two admissible choices the one with fewer units is taken. For an RBM this is the
/// smaller of its two sides (the free energy over visible states, or the sum over hidden states
/// log Z = log Σ_h exp(cᵀh + Σ_k softplus(b_k + (W h)_k))). Machines with lateral weights in both parities are enumerated
/// over every unit.
/// </remarks>
internal static class ExactLikelihood
{
    /// <summary>Largest number of enumerated units: 2^24 states is already tens of millions of energies.</summary>
    public const int MaxEnumeratedUnits = 24;

    /// <summary>log Z, enumerating the smaller admissible parity and summing the other out analytically.</summary>
    public static double LogPartition(DeepBoltzmannMachine model)
    {
        GaussianVisible.Refuse(model.Architecture, "ExactLikelihood.LogPartition (use GaussianRbmLikelihood)");
        return SumOut(model, visible: null);
    }

    /// <summary>Mean over <paramref name="visibleRows"/> (each of length n_0, 0/1) of log p(v), given log Z.</summary>
    public static double MeanLogLikelihood(DeepBoltzmannMachine model, IReadOnlyList<float[]> visibleRows, double logPartition)
    {
        double sum = 0;
        foreach (var v in visibleRows) sum += LogUnnormalisedMarginal(model, v) - logPartition;
        return sum / visibleRows.Count;
    }

    /// <summary>Exact log p(v) = log Σ_h exp(−E(v, h)) − log Z of one visible vector.</summary>
    public static double LogLikelihood(DeepBoltzmannMachine model, float[] visible, double logPartition) =>
        LogUnnormalisedMarginal(model, visible) - logPartition;

    /// <summary>
    /// log Σ_h exp(−E(v, h)) with v clamped: the free energy for an RBM; for deeper machines one parity of hidden layers
    /// is enumerated and the other (if it has no lateral weights) summed out analytically.
    /// </summary>
    public static double LogUnnormalisedMarginal(DeepBoltzmannMachine model, float[] visible)
    {
        if (visible.Length != model.LayerSize(0))
            throw new ArgumentException($"Expected {model.LayerSize(0)} visible units; got {visible.Length}.", nameof(visible));
        GaussianVisible.Refuse(model.Architecture, "ExactLikelihood.LogUnnormalisedMarginal (use GaussianRbmLikelihood)");
        if (model.Architecture.IsRbm) return -RbmFreeEnergy(model, visible);
        return SumOut(model, visible);
    }

    /// <summary>
    /// Free energies F(v) = −bᵀv − ½vᵀL₀v − Σ_j softplus(c_j + (vW)_j) of an RBM for rows × n_v visible vectors (the lateral
    /// term only if the visible layer has one): the library's one RBM free energy, in double, rows over threads.
    /// </summary>
    public static double[] RbmFreeEnergies(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows)
    {
        if (!model.Architecture.IsRbm)
            throw new InvalidOptionsException("model", $"expected an RBM (two layers, no hidden laterals); got {model.Architecture}.");
        GaussianVisible.Refuse(model.Architecture, "ExactLikelihood.RbmFreeEnergies (use GaussianRbmLikelihood.FreeEnergies)");
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        if (rows < 0 || visible.Length != rows * nv)
            throw new ArgumentException($"Expected {rows} rows of {nv} visible units ({rows * nv} values); got {visible.Length}.", nameof(visible));
        // In double throughout (the oracle of the tests, and AIS's data term), summing only the units that are on: rows
        // of binary data are sparse, so this costs about as much as the float product would.
        var data = visible.ToArray();
        var f = new double[rows];
        Sampling.LayerGibbs.ForEachChain(rows, (long)nv * nh, r => f[r] = FreeEnergy.Rbm(model, data.AsSpan(r * nv, nv)));
        return f;
    }

    /// <summary>F(v) of one visible vector: <see cref="RbmFreeEnergies"/> of one row.</summary>
    public static double RbmFreeEnergy(DeepBoltzmannMachine model, ReadOnlySpan<float> v) => RbmFreeEnergies(model, v, 1)[0];

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

    /// <summary>
    /// log Σ exp(−E) over every unit not fixed: layer 0 is fixed to <paramref name="visible"/> when given. One parity
    /// (whose free layers have no laterals) is summed analytically, the rest enumerated.
    /// </summary>
    private static double SumOut(DeepBoltzmannMachine model, float[]? visible)
    {
        int layers = model.LayerCount;
        bool[] isFixed = new bool[layers];
        if (visible is not null) isFixed[0] = true;

        // Pick the analytic parity: its free layers need no laterals; prefer the one leaving fewer units to enumerate.
        int bestParity = -1, bestEnumerated = int.MaxValue;
        for (int parity = 0; parity < 2; parity++)
        {
            bool admissible = true;
            int enumerated = 0;
            for (int l = 0; l < layers; l++)
            {
                if (isFixed[l]) continue;
                if (l % 2 == parity) admissible &= model.Lateral(l) is null;
                else enumerated += model.LayerSize(l);
            }
            if (admissible && enumerated < bestEnumerated) { bestParity = parity; bestEnumerated = enumerated; }
        }
        var analytic = new bool[layers];
        if (bestParity >= 0)
            for (int l = 0; l < layers; l++) analytic[l] = !isFixed[l] && l % 2 == bestParity;

        int count = 0;
        for (int l = 0; l < layers; l++) if (!isFixed[l] && !analytic[l]) count += model.LayerSize(l);
        Require(count, model);

        var states = model.Architecture.LayerSizes.Select(n => new float[n]).ToArray();
        if (visible is not null) visible.CopyTo(states[0], 0);
        var terms = new double[1L << count];
        var field = new double[model.Architecture.LayerSizes.Max()];
        for (int s = 0; s < terms.Length; s++)
        {
            int shift = 0;
            for (int l = 0; l < layers; l++)
            {
                if (isFixed[l] || analytic[l]) continue;
                var x = states[l];
                for (int i = 0; i < x.Length; i++) x[i] = (s >> (shift + i)) & 1;
                shift += x.Length;
            }
            terms[s] = LogTerm(model, states, analytic, field);
        }
        return LogSumExp(terms);
    }

    /// <summary>−E restricted to the non-analytic layers plus Σ softplus of every analytic unit's field.</summary>
    private static double LogTerm(DeepBoltzmannMachine model, float[][] states, bool[] analytic, double[] field)
    {
        double t = 0;
        for (int l = 0; l < model.LayerCount; l++)
        {
            int n = model.LayerSize(l);
            var b = model.Biases(l);
            if (analytic[l])
            {
                for (int k = 0; k < n; k++) field[k] = b[k];
                if (l > 0) AddBelow(model, states[l - 1], l, field);
                if (l + 1 < model.LayerCount) AddAbove(model, states[l + 1], l, field);
                t = FreeEnergy.AddSummedOut(t, field.AsSpan(0, n));
                continue;
            }
            var x = states[l];
            for (int k = 0; k < n; k++) t += (double)b[k] * x[k];
            if (model.Lateral(l) is { } lat)
                for (int k = 0; k < n; k++)
                    if (x[k] != 0)
                        for (int j = k + 1; j < n; j++) t += (double)lat[k * n + j] * x[j];
            if (l + 1 < model.LayerCount && !analytic[l + 1])
            {
                var w = model.Weights(l);
                var y = states[l + 1];
                int m = y.Length;
                for (int k = 0; k < n; k++)
                    if (x[k] != 0)
                        for (int j = 0; j < m; j++) t += (double)w[k * m + j] * y[j];
            }
        }
        return t;
    }

    private static void AddBelow(DeepBoltzmannMachine model, float[] below, int layer, double[] field)
    {
        var w = model.Weights(layer - 1);
        int n = model.LayerSize(layer);
        for (int k = 0; k < below.Length; k++)
            if (below[k] != 0)
                for (int j = 0; j < n; j++) field[j] += (double)below[k] * w[k * n + j];
    }

    private static void AddAbove(DeepBoltzmannMachine model, float[] above, int layer, double[] field)
    {
        var w = model.Weights(layer);
        int n = model.LayerSize(layer), m = above.Length;
        for (int k = 0; k < n; k++)
        {
            double s = 0;
            for (int j = 0; j < m; j++) s += (double)w[k * m + j] * above[j];
            field[k] += s;
        }
    }

    private static void Require(int units, DeepBoltzmannMachine model)
    {
        if (units > MaxEnumeratedUnits)
            throw new InvalidOptionsException("model", $"exact enumeration of {model.Architecture} needs 2^{units} states; at most 2^{MaxEnumeratedUnits} are allowed — use AIS.");
    }
}
