using Vpf.Core.Evaluation;
using Vpf.Core.Model;

namespace Vpf.Core.Tests.Evaluation;

/// <summary>Oracles by plain enumeration of every joint state through <see cref="DeepBoltzmannMachine.Energy"/>.</summary>
internal static class BruteForce
{
    /// <summary>Per layer, the unit states of joint configuration <paramref name="bits"/> (layer 0 in the lowest bits).</summary>
    public static float[][] State(DeepBoltzmannMachine model, long bits)
    {
        var states = new float[model.LayerCount][];
        int shift = 0;
        for (int l = 0; l < model.LayerCount; l++)
        {
            states[l] = new float[model.LayerSize(l)];
            for (int i = 0; i < states[l].Length; i++) states[l][i] = (bits >> (shift + i)) & 1;
            shift += states[l].Length;
        }
        return states;
    }

    public static int TotalUnits(DeepBoltzmannMachine model) => model.Architecture.LayerSizes.Sum();

    /// <summary>−E of every joint configuration, indexed as in <see cref="State"/>.</summary>
    public static double[] NegativeEnergies(DeepBoltzmannMachine model)
    {
        var terms = new double[1L << TotalUnits(model)];
        for (long s = 0; s < terms.Length; s++) terms[s] = -model.Energy(State(model, s));
        return terms;
    }

    public static double LogPartition(DeepBoltzmannMachine model) => ExactLikelihood.LogSumExp(NegativeEnergies(model));

    /// <summary>The exact joint distribution p(x) over every configuration.</summary>
    public static double[] Distribution(DeepBoltzmannMachine model)
    {
        var t = NegativeEnergies(model);
        double logZ = ExactLikelihood.LogSumExp(t);
        return t.Select(x => Math.Exp(x - logZ)).ToArray();
    }

    /// <summary>log Σ_h exp(−E(v, h)) by enumerating every hidden configuration.</summary>
    public static double LogUnnormalisedMarginal(DeepBoltzmannMachine model, float[] v)
    {
        int n0 = model.LayerSize(0), hidden = TotalUnits(model) - n0;
        long vBits = 0;
        for (int i = 0; i < n0; i++) if (v[i] != 0) vBits |= 1L << i;
        var terms = new double[1L << hidden];
        for (long h = 0; h < terms.Length; h++) terms[h] = -model.Energy(State(model, vBits | (h << n0)));
        return ExactLikelihood.LogSumExp(terms);
    }

    /// <summary>Every visible vector of length <paramref name="n"/>, vector s holding the bits of s.</summary>
    public static float[][] AllVisible(int n) =>
        Enumerable.Range(0, 1 << n).Select(s => Enumerable.Range(0, n).Select(i => (float)((s >> i) & 1)).ToArray()).ToArray();

    /// <summary>Total-variation distance ½ Σ |p − q|.</summary>
    public static double TotalVariation(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double s = 0;
        for (int i = 0; i < p.Length; i++) s += Math.Abs(p[i] - q[i]);
        return s / 2;
    }
}
