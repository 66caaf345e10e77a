using Vpf.Core.Evaluation;
using Vpf.Core.Model;

namespace Vpf.Core.Tests.Baselines;

/// <summary>Exact expectations of tiny machines by enumeration, for judging sampled gradients.</summary>
internal static class BaselineOracles
{
    /// <summary>
    /// The exact descent direction of the mean negative log-likelihood of an RBM on <paramref name="rows"/>:
    /// −(⟨v μᵀ⟩_data − ⟨v hᵀ⟩_model) and likewise for biases, the model expectation by enumerating v.
    /// </summary>
    public static ParameterSet RbmGradient(DeepBoltzmannMachine rbm, IReadOnlyList<float[]> rows)
    {
        int nv = rbm.LayerSize(0), nh = rbm.LayerSize(1);
        var g = new ParameterSet(rbm.Architecture);
        double logZ = ExactLikelihood.LogPartition(rbm);
        var v = new float[nv];
        var gw = new double[nv * nh];
        var gb = new double[nv];
        var gc = new double[nh];
        for (int s = 0; s < 1 << nv; s++)
        {
            for (int i = 0; i < nv; i++) v[i] = (s >> i) & 1;
            double p = Math.Exp(-ExactLikelihood.RbmFreeEnergy(rbm, v) - logZ);
            Accumulate(rbm, v, p, gw, gb, gc);
        }
        foreach (var row in rows) Accumulate(rbm, row, -1.0 / rows.Count, gw, gb, gc);
        for (int i = 0; i < gw.Length; i++) g.Weights[0][i] = (float)gw[i];
        for (int i = 0; i < nv; i++) g.Biases[0][i] = (float)gb[i];
        for (int j = 0; j < nh; j++) g.Biases[1][j] = (float)gc[j];
        return g;
    }

    private static void Accumulate(DeepBoltzmannMachine rbm, float[] v, double weight, double[] gw, double[] gb, double[] gc)
    {
        int nv = rbm.LayerSize(0), nh = rbm.LayerSize(1);
        var w = rbm.Weights(0);
        for (int j = 0; j < nh; j++)
        {
            double z = rbm.Biases(1)[j];
            for (int i = 0; i < nv; i++) z += v[i] * w[i * nh + j];
            double mu = 1 / (1 + Math.Exp(-z));
            gc[j] += weight * mu;
            for (int i = 0; i < nv; i++) gw[i * nh + j] += weight * v[i] * mu;
        }
        for (int i = 0; i < nv; i++) gb[i] += weight * v[i];
    }

    /// <summary>Exact means ⟨x_k⟩ of every unit and ⟨x_k x_j⟩ of every pair in one layer, by enumerating all units.</summary>
    public static (double[][] Means, double[] LayerPairs) Moments(DeepBoltzmannMachine model, int pairLayer)
    {
        var sizes = model.Architecture.LayerSizes;
        int total = sizes.Sum();
        var states = sizes.Select(n => new float[n]).ToArray();
        var logWeights = new double[1 << total];
        for (int s = 0; s < logWeights.Length; s++)
        {
            Fill(states, s);
            logWeights[s] = -model.Energy(states);
        }
        double logZ = ExactLikelihood.LogSumExp(logWeights);
        var means = sizes.Select(n => new double[n]).ToArray();
        int np = sizes[pairLayer];
        var pairs = new double[np * np];
        for (int s = 0; s < logWeights.Length; s++)
        {
            Fill(states, s);
            double p = Math.Exp(logWeights[s] - logZ);
            for (int l = 0; l < sizes.Count; l++)
                for (int k = 0; k < sizes[l]; k++) means[l][k] += p * states[l][k];
            for (int k = 0; k < np; k++)
                for (int j = 0; j < np; j++) pairs[k * np + j] += p * states[pairLayer][k] * states[pairLayer][j];
        }
        return (means, pairs);
    }

    private static void Fill(float[][] layers, int bits)
    {
        int shift = 0;
        foreach (var x in layers)
        {
            for (int i = 0; i < x.Length; i++) x[i] = (bits >> (shift + i)) & 1;
            shift += x.Length;
        }
    }

    /// <summary>The RBM made of layers 0 and 1 of a DBM (W_0, b_0, b_1).</summary>
    public static DeepBoltzmannMachine FirstLayerRbm(DeepBoltzmannMachine dbm)
    {
        var rbm = new DeepBoltzmannMachine(Architecture.Rbm(dbm.LayerSize(0), dbm.LayerSize(1)));
        dbm.Weights(0).CopyTo(rbm.Weights(0), 0);
        dbm.Biases(0).CopyTo(rbm.Biases(0), 0);
        dbm.Biases(1).CopyTo(rbm.Biases(1), 0);
        return rbm;
    }

    public static double[] Flatten(ParameterSet p) => p.Tensors.SelectMany(t => t.Select(x => (double)x)).ToArray();
}
