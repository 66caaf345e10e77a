using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Cli.Reporting;

/// <summary>
/// Block Gibbs sampling of a DBM without lateral weights: odd layers given even ones, then even layers given odd ones.
/// Returns the visible firing probabilities of the last sweep (what a sample "looks like"), rows × n_0.
/// </summary>
internal static class BlockGibbs
{
    public static bool Supports(Architecture a) => !a.HasLateral.Any(x => x);

    public static float[] Sample(DeepBoltzmannMachine model, int chains, int sweeps, int seed, Action<int>? progress = null)
    {
        int L = model.LayerCount;
        var rng = new Random(seed);
        var x = new float[L][];
        var field = new float[L][];
        for (int l = 0; l < L; l++)
        {
            x[l] = new float[chains * model.LayerSize(l)];
            field[l] = new float[chains * model.LayerSize(l)];
            for (int i = 0; i < x[l].Length; i++) x[l][i] = rng.NextDouble() < 0.5 ? 1f : 0f;
        }
        for (int s = 0; s < sweeps; s++)
        {
            for (int parity = 1; parity >= 0; parity--)
                for (int l = parity; l < L; l += 2)
                    Update(model, x, field, l, chains, rng, sample: !(l == 0 && s == sweeps - 1));
            progress?.Invoke(s + 1);
        }
        return x[0];
    }

    private static void Update(DeepBoltzmannMachine model, float[][] x, float[][] field, int l, int rows, Random rng, bool sample)
    {
        int n = model.LayerSize(l);
        var u = field[l];
        for (int r = 0; r < rows; r++) model.Biases(l).CopyTo(u, r * n);
        if (l > 0) MatrixProduct.Multiply(x[l - 1], model.Weights(l - 1), u, rows, model.LayerSize(l - 1), n, accumulate: true);
        if (l + 1 < model.LayerCount) MatrixProduct.MultiplyByTransposed(x[l + 1], model.Weights(l), u, rows, model.LayerSize(l + 1), n, accumulate: true);
        for (int i = 0; i < u.Length; i++)
        {
            float p = 1f / (1f + MathF.Exp(-u[i]));
            x[l][i] = sample ? (rng.NextSingle() < p ? 1f : 0f) : p;
        }
    }
}
