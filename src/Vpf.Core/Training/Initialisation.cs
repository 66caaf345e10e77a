using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>How a <see cref="TrainingPlan"/> creates the machine before training (and before any pretraining).</summary>
public sealed record Initialisation
{
    /// <summary>Seed of the initial weights; null (the default) uses the plan's <see cref="TrainingOptions.Seed"/>.</summary>
    public int? Seed { get; init; }

    /// <summary>Standard deviation of the initial weights; a finite number ≥ 0. Default <see cref="DeepBoltzmannMachine.DefaultInitialWeightScale"/>.</summary>
    public float WeightScale { get; init; } = DeepBoltzmannMachine.DefaultInitialWeightScale;

    /// <summary>Start the visible biases at the log-odds of the training data's pixel marginals (Hinton's guide). Default true.</summary>
    public bool VisibleBiasesFromData { get; init; } = true;

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!(WeightScale >= 0) || !float.IsFinite(WeightScale))
            throw new InvalidOptionsException(nameof(WeightScale), $"must be a finite number ≥ 0; got {WeightScale}.");
    }
}
