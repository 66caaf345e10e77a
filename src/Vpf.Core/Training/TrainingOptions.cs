using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>Options of the training loop shared by every objective: epochs, mini-batches, seed and optimiser.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the data. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Rows per mini-batch (the last batch of an epoch may be smaller). Default 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Seed of every random choice of training: shuffling and spike sampling.</summary>
    public int Seed { get; init; }

    /// <summary>Reshuffle the rows at the start of every epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The optimiser. Default Adam with step 1e-3.</summary>
    public OptimiserOptions Optimiser { get; init; } = new();

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Epochs < 0) throw new InvalidOptionsException(nameof(Epochs), $"must be ≥ 0; got {Epochs}.");
        if (BatchSize < 1) throw new InvalidOptionsException(nameof(BatchSize), $"must be ≥ 1; got {BatchSize}.");
        Optimiser.Validate();
    }
}
