using Vpf.Core.Data;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// The cheap held-out metrics of a training curve and of <see cref="Evaluation.Report.ModelEvaluator"/>'s held-out section: the
/// method's own objective at a fixed random key, and the reconstruction cross-entropy after one mean-field up-down pass.
/// </summary>
internal static class HeldOutMetrics
{
    /// <summary>Held-out rows a training curve is measured on (the first ones of the held-out set).</summary>
    public const int DefaultRows = 500;

    /// <summary>The random key of every held-out objective evaluation: the same rows and model always give the same K.</summary>
    public const ulong RandomKey = 0x5EED_0F_4E1D_0u;

    /// <summary>Probabilities are clipped to [ε, 1 − ε] before the logarithm.</summary>
    public const double Epsilon = 1e-6;

    /// <summary>The first <paramref name="rows"/> rows of <paramref name="data"/> (at most all of them) as 0/1 floats, row-major.</summary>
    public static float[] Batch(Dataset data, int rows)
    {
        ArgumentNullException.ThrowIfNull(data);
        rows = Math.Clamp(rows, 0, data.Count);
        var batch = new float[(long)rows * data.Dimension];
        data.CopyRows(Enumerable.Range(0, rows).ToArray(), batch);
        return batch;
    }

    /// <summary>
    /// The objective of <paramref name="objective"/> on <paramref name="rows"/> held-out rows at <see cref="RandomKey"/>.
    /// State that later training batches depend on (persistent chains) is left as it was.
    /// </summary>
    public static double Objective(ITrainingObjective objective, DeepBoltzmannMachine model, ReadOnlySpan<float> batch, int rows)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(model);
        var gradient = new ParameterSet(model.Architecture);
        if (objective is not IStatefulObjective stateful)
            return objective.Evaluate(model, batch, rows, gradient, RandomKey).Value;
        var saved = stateful.SaveState();
        try
        {
            return objective.Evaluate(model, batch, rows, gradient, RandomKey).Value;
        }
        finally
        {
            stateful.RestoreState(saved);
        }
    }

    /// <summary>
    /// Visible firing probabilities σ(b₀ + μ₁W₀ᵀ) after inferring the hidden rates μ by <paramref name="sweeps"/> mean-field
    /// sweeps (at least 1) and projecting down once (for Gaussian visible units the means b₀ + μ₁W₀ᵀ). Needs a hidden layer.
    /// </summary>
    public static float[] Reconstruct(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, int sweeps = VpfOptions.DefaultMeanFieldSweeps)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.LayerCount < 2)
            throw new ArgumentException($"Reconstruction needs a hidden layer; {model.Architecture} is fully visible.", nameof(model));
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var rates = MeanFieldSweep.Infer(model, visible, rows, Math.Max(1, sweeps));
        var p = new float[rows * nv];
        if (rows == 0) return p;
        if (model.Architecture.HasGaussianVisible)
        {
            // A Gaussian visible layer's mean-field value is its conditional mean b₀ + μ₁W₀ᵀ (vpf-math.md §9).
            Sampling.GaussianVisibleGibbs.Means(model, rates[1], p, rows);
            return p;
        }
        LayerConditional.RatesFromNeighbours(model, 0, default, rates[1].AsSpan(0, rows * nh), p, rows);
        return p;
    }

    /// <summary>Mean binary cross-entropy per row (nats) of probabilities <paramref name="p"/> against 0/1 targets <paramref name="x"/>, p clipped to [ε, 1 − ε].</summary>
    public static double CrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> x, int rows)
    {
        if (x.Length < p.Length) throw new ArgumentException($"Expected {p.Length} targets; got {x.Length}.", nameof(x));
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "At least one row is needed.");
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double q = Math.Clamp(p[i], Epsilon, 1 - Epsilon);
            total -= x[i] > 0.5f ? Math.Log(q) : Math.Log(1 - q);
        }
        return total / rows;
    }

    /// <summary>The held-out reconstruction cross-entropy of <paramref name="model"/>: <see cref="CrossEntropy"/> of <see cref="Reconstruct"/>.</summary>
    /// <exception cref="InvalidOptionsException">Gaussian visible units (option "Architecture"): a cross-entropy needs binary targets.</exception>
    public static double ReconstructionCrossEntropy(DeepBoltzmannMachine model, ReadOnlySpan<float> batch, int rows, int sweeps = VpfOptions.DefaultMeanFieldSweeps)
    {
        ArgumentNullException.ThrowIfNull(model);
        GaussianVisible.Refuse(model.Architecture, "HeldOutMetrics.ReconstructionCrossEntropy");
        return CrossEntropy(Reconstruct(model, batch, rows, sweeps), batch, rows);
    }
}
