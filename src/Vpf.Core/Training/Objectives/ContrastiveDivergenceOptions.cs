namespace Vpf.Core.Training;

/// <summary>
/// Options of <see cref="ContrastiveDivergence"/>: CD-k (chains restart at the data) or PCD-k (persistent fantasy
/// chains). A new instance is CD-1. The methods <see cref="CdMethod"/> and <see cref="PcdMethod"/> build these options and
/// hold their default training settings (<see cref="TrainingMethod.DefaultTraining"/>).
/// </summary>
public sealed record ContrastiveDivergenceOptions
{
    /// <summary>Gibbs steps k per update. Default 1.</summary>
    public int Steps { get; init; } = 1;

    /// <summary>False for CD-k (each negative chain starts at its data row), true for PCD-k. Default false.</summary>
    public bool Persistent { get; init; }

    /// <summary>Number of persistent chains; 0 (the default) means the size of the first batch. Ignored by CD.</summary>
    public int Chains { get; init; }

    /// <summary>How persistent chains start. Default <see cref="PersistentChainStart.FirstBatch"/>. Ignored by CD.</summary>
    public PersistentChainStart ChainStart { get; init; } = PersistentChainStart.FirstBatch;

    /// <summary>Seed of the random chain start (<see cref="PersistentChainStart.Random"/>).</summary>
    public int ChainSeed { get; init; }

    /// <summary>Factor on the hidden units' input, σ(c + s·vW): 2 for the bottom RBM of DBM pretraining, else 1.</summary>
    internal float HiddenInputScale { get; init; } = 1f;

    /// <summary>Factor on the visible units' input, σ(b + s·hWᵀ): 2 for the top RBM of DBM pretraining, else 1.</summary>
    internal float VisibleInputScale { get; init; } = 1f;

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new InvalidOptionsException(nameof(Steps), $"must be ≥ 1 Gibbs step; got {Steps}.");
        if (Chains < 0) throw new InvalidOptionsException(nameof(Chains), $"must be ≥ 0 (0: one chain per row of the first batch); got {Chains}.");
        if (!Enum.IsDefined(ChainStart))
            throw new InvalidOptionsException(nameof(ChainStart), $"unknown chain start {(int)ChainStart}; expected FirstBatch or Random.");
    }
}
