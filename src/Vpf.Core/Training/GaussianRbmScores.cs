using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>Monitors of an RBM with Gaussian visible units that the trainers report (vpf-math.md §9).</summary>
internal static class GaussianRbmScores
{
    /// <summary>
    /// Mean over rows of ½|v − b − μWᵀ|², the squared error of the one-step mean-field reconstruction of the data from
    /// the hidden rates μ (rows × n_h); <paramref name="scratch"/> holds rows × n_v floats.
    /// </summary>
    public static double ReconstructionError(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, ReadOnlySpan<float> hiddenRates,
        int rows, Span<float> scratch)
    {
        int nv = model.LayerSize(0);
        var means = scratch[..(rows * nv)];
        Sampling.GaussianVisibleGibbs.Means(model, hiddenRates, means, rows);
        double total = 0;
        for (int k = 0; k < rows * nv; k++)
        {
            double d = visible[k] - (double)means[k];
            total += 0.5 * d * d;
        }
        return total / rows;
    }
}
