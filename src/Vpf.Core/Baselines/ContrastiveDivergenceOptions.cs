using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Baselines;

/// <summary>
/// Options of <see cref="ContrastiveDivergence"/>: CD-k (chains restart at the data) or PCD-k (persistent fantasy
/// chains). A new instance is CD-1; <see cref="Defaults"/> is scikit-learn's BernoulliRBM choice, PCD-1.
/// </summary>
public sealed record ContrastiveDivergenceOptions
{
    /// <summary>
    /// The reference setting, scikit-learn's BernoulliRBM: PCD with one Gibbs step, one chain per row of the batch,
    /// chains started from the first batch. Train it with <see cref="DefaultTraining"/>.
    /// </summary>
    public static ContrastiveDivergenceOptions Defaults { get; } = new() { Steps = 1, Persistent = true };

    /// <summary>
    /// Training-loop settings measured to work with <see cref="Defaults"/> on our optimisers: scikit-learn's
    /// batch of 10 and 10 epochs, with plain SGD (momentum 0) at step 0.05. Because our gradient is the batch mean,
    /// θ ← θ − η g with η = 0.1 is exactly scikit-learn's update (learning_rate 0.1 times the batch sum divided by the
    /// batch size). Measured on samples of a 10-4 teacher RBM (600 training rows, student 10-6, exact test
    /// log-likelihood after 10 epochs, mean of 3 seeds, teacher −4.578 nats): SGD 0.1 −4.613, SGD 0.05 −4.600,
    /// SGD 0.02 −4.603, Adam 1e-3 (the flow default, too slow for 10 epochs) −4.666, Adam 1e-2 −4.598 — the same
    /// for CD-1 and PCD-1. SGD 0.05 is as good as the best and less seed-dependent than 0.1.
    /// </summary>
    public static TrainingOptions DefaultTraining { get; } = new()
    {
        Epochs = 10,
        BatchSize = 10,
        Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.05f, Momentum = 0f },
    };

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
