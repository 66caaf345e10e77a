using Vpf.Core.Model;

namespace Vpf.Cli.Tests;

/// <summary>
/// Answers for the tiny data set computed in the test from the model's parameters and the IDX bytes, sharing no code
/// with the library: the images as 0/1 rows, an RBM's exact log-likelihood by enumerating its hidden layer, its
/// mean-field reconstruction cross-entropy.
/// </summary>
internal static class TinyOracles
{
    /// <summary>The first <paramref name="count"/> images of an IDX file as 0/1 rows (the tiny data is 0 or 255 only).</summary>
    public static double[][] Images(string idxPath, int count)
    {
        byte[] bytes = File.ReadAllBytes(idxPath);
        int d = TinyData.Side * TinyData.Side;
        return [.. Enumerable.Range(0, count).Select(i => Enumerable.Range(0, d).Select(k => bytes[16 + i * d + k] > 127 ? 1.0 : 0.0).ToArray())];
    }

    private static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>log Z = log Σ_h exp(cᵀh + Σ_k softplus(b_k + (W h)_k)), every hidden state enumerated.</summary>
    public static double RbmLogPartition(DeepBoltzmannMachine rbm)
    {
        int nv = rbm.LayerSize(0), nh = rbm.LayerSize(1);
        float[] w = rbm.Weights(0), b = rbm.Biases(0), c = rbm.Biases(1);
        var terms = new double[1 << nh];
        for (int s = 0; s < terms.Length; s++)
        {
            double t = 0;
            for (int j = 0; j < nh; j++) if ((s >> j & 1) == 1) t += c[j];
            for (int k = 0; k < nv; k++)
            {
                double field = b[k];
                for (int j = 0; j < nh; j++) if ((s >> j & 1) == 1) field += w[k * nh + j];
                t += Softplus(field);
            }
            terms[s] = t;
        }
        double max = terms.Max();
        return max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
    }

    /// <summary>log Σ_h exp(−E(v, h)) = bᵀv + Σ_j softplus(c_j + (vW)_j).</summary>
    public static double RbmLogUnnormalised(DeepBoltzmannMachine rbm, double[] v)
    {
        int nv = rbm.LayerSize(0), nh = rbm.LayerSize(1);
        float[] w = rbm.Weights(0), b = rbm.Biases(0), c = rbm.Biases(1);
        double t = 0;
        for (int k = 0; k < nv; k++) t += b[k] * v[k];
        for (int j = 0; j < nh; j++)
        {
            double field = c[j];
            for (int k = 0; k < nv; k++) field += v[k] * w[k * nh + j];
            t += Softplus(field);
        }
        return t;
    }

    /// <summary>Mean exact log p(v) of an RBM over the rows.</summary>
    public static double RbmMeanLogLikelihood(DeepBoltzmannMachine rbm, double[][] rows)
    {
        double logZ = RbmLogPartition(rbm);
        return rows.Average(v => RbmLogUnnormalised(rbm, v) - logZ);
    }

    /// <summary>
    /// Mean over rows of −Σ_k [v_k log p_k + (1 − v_k) log(1 − p_k)] with p = σ(b + μWᵀ), μ = σ(c + vW): an RBM's
    /// exact hidden posterior rates projected down once (p clipped to [1e-6, 1 − 1e-6]).
    /// </summary>
    public static double RbmReconstructionCrossEntropy(DeepBoltzmannMachine rbm, double[][] rows)
    {
        int nv = rbm.LayerSize(0), nh = rbm.LayerSize(1);
        float[] w = rbm.Weights(0), b = rbm.Biases(0), c = rbm.Biases(1);
        return rows.Average(v =>
        {
            var mu = new double[nh];
            for (int j = 0; j < nh; j++)
            {
                double field = c[j];
                for (int k = 0; k < nv; k++) field += v[k] * w[k * nh + j];
                mu[j] = Sigmoid(field);
            }
            double total = 0;
            for (int k = 0; k < nv; k++)
            {
                double field = b[k];
                for (int j = 0; j < nh; j++) field += mu[j] * w[k * nh + j];
                double p = Math.Clamp(Sigmoid(field), 1e-6, 1 - 1e-6);
                total -= v[k] == 1 ? Math.Log(p) : Math.Log(1 - p);
            }
            return total;
        });
    }
}
