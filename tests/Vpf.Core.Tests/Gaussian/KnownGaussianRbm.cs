using Vpf.Core.Model;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>Exact facts of a small Gaussian RBM by enumerating h: p(h) ∝ exp(cᵀh + ½|b + W h|²), moments of v, exact samples.</summary>
internal static class KnownGaussianRbm
{
    /// <summary>The marginal p(h) of every hidden configuration (index bit j = h_j).</summary>
    public static double[] HiddenMarginal(DeepBoltzmannMachine model)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var logits = new double[1 << nh];
        for (int code = 0; code < logits.Length; code++)
        {
            var a = Mean(model, code);
            double t = 0;
            for (int j = 0; j < nh; j++) if ((code >> j & 1) == 1) t += model.Biases(1)[j];
            for (int i = 0; i < nv; i++) t += 0.5 * a[i] * a[i];
            logits[code] = t;
        }
        double max = logits.Max();
        var p = logits.Select(t => Math.Exp(t - max)).ToArray();
        double sum = p.Sum();
        return p.Select(x => x / sum).ToArray();
    }

    /// <summary>b + W h for the configuration <paramref name="code"/>.</summary>
    public static double[] Mean(DeepBoltzmannMachine model, int code)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var a = new double[nv];
        for (int i = 0; i < nv; i++)
        {
            a[i] = model.Biases(0)[i];
            for (int j = 0; j < nh; j++) if ((code >> j & 1) == 1) a[i] += model.Weights(0)[i * nh + j];
        }
        return a;
    }

    /// <summary><paramref name="rows"/> exact samples of v (rows × n_v): h from its marginal, then v ~ N(b + W h, I).</summary>
    public static float[] Samples(DeepBoltzmannMachine model, int rows, int seed)
    {
        var p = HiddenMarginal(model);
        var rng = new Random(seed);
        int nv = model.LayerSize(0);
        var v = new float[rows * nv];
        for (int r = 0; r < rows; r++)
        {
            double u = rng.NextDouble(), cumulative = 0;
            int code = 0;
            for (; code < p.Length - 1; code++)
            {
                cumulative += p[code];
                if (u < cumulative) break;
            }
            var a = Mean(model, code);
            for (int i = 0; i < nv; i++) v[r * nv + i] = (float)(a[i] + TinyModels.Normal(rng));
        }
        return v;
    }
}
