using Vpf.Core.Data;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Kernels;

namespace Vpf.Cli;

/// <summary>One point of a training curve: training K and held-out metrics after an epoch.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Seconds">Training time so far (held-out evaluation excluded).</param>
/// <param name="MeanK">Mean objective over the epoch's mini-batches.</param>
/// <param name="HeldOutK">The objective on held-out images (the same objective, a fixed random key).</param>
/// <param name="HeldOutCrossEntropy">Held-out reconstruction cross-entropy, nats per image, after one mean-field up-down pass.</param>
public sealed record CurvePoint(int Epoch, double Seconds, double MeanK, double HeldOutK, double HeldOutCrossEntropy);

/// <summary>Cheap held-out metrics computed after every epoch.</summary>
internal static class HeldOut
{
    public const int Rows = 500;

    public static float[] Batch(BinaryDataset data, int rows)
    {
        rows = Math.Min(rows, data.Count);
        var batch = new float[rows * data.Dimension];
        data.CopyRows(Enumerable.Range(0, rows).ToArray(), batch);
        return batch;
    }

    public static double K(ITrainingObjective objective, DeepBoltzmannMachine model, float[] batch, int rows)
    {
        var gradient = new ParameterSet(model.Architecture);
        return objective.Evaluate(model, batch, rows, gradient, 0x5EED_0F_4E1D_0u).K;
    }

    /// <summary>Visible firing probabilities after inferring the hidden rates by mean field and projecting down once.</summary>
    public static float[] Reconstruct(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, int sweeps = 10)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var rates = MeanFieldSweep.Infer(model, visible, rows, Math.Max(1, sweeps));
        var p = new float[rows * nv];
        for (int r = 0; r < rows; r++) model.Biases(0).CopyTo(p, r * nv);
        MatrixProduct.MultiplyByTransposed(rates[1], model.Weights(0), p, rows, nh, nv, accumulate: true);
        for (int i = 0; i < p.Length; i++) p[i] = 1f / (1f + MathF.Exp(-p[i]));
        return p;
    }

    /// <summary>Mean binary cross-entropy per image (nats) of probabilities <paramref name="p"/> against 0/1 targets.</summary>
    public static double CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> x, int rows)
    {
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double q = Math.Clamp(p[i], 1e-6, 1 - 1e-6);
            total -= x[i] > 0.5f ? Math.Log(q) : Math.Log(1 - q);
        }
        return total / rows;
    }
}
