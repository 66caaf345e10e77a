using Vpf.Core.Inference;

namespace Vpf.Core.Training;

/// <summary>Options of <see cref="DbmPersistentContrastiveDivergence"/> (Salakhutdinov &amp; Hinton's DBM learning).</summary>
public sealed record DbmPcdOptions
{
    /// <summary>Number of persistent fantasy chains; 0 (the default) means the size of the first batch (the paper used 100).</summary>
    public int Chains { get; init; }

    /// <summary>Full Gibbs sweeps (odd layers, then even layers) of the chains per update. Default 5, as in the paper.</summary>
    public int GibbsSteps { get; init; } = 5;

    /// <summary>Mean-field sweeps of the positive phase after the bottom-up initialisation. Default 10.</summary>
    public int MeanFieldSweeps { get; init; } = 10;

    /// <summary>Damping of the positive phase's mean-field update in layers with lateral weights.</summary>
    public float Damping { get; init; } = MeanFieldSweep.DefaultDamping;

    /// <summary>How the chains start. Default <see cref="PersistentChainStart.FirstBatch"/>.</summary>
    public PersistentChainStart ChainStart { get; init; } = PersistentChainStart.FirstBatch;

    /// <summary>Seed of the random chain start (<see cref="PersistentChainStart.Random"/>).</summary>
    public int ChainSeed { get; init; }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (Chains < 0) throw new InvalidOptionsException(nameof(Chains), $"must be ≥ 0 (0: one chain per row of the first batch); got {Chains}.");
        if (GibbsSteps < 1) throw new InvalidOptionsException(nameof(GibbsSteps), $"must be ≥ 1; got {GibbsSteps}.");
        if (MeanFieldSweeps < 0) throw new InvalidOptionsException(nameof(MeanFieldSweeps), $"must be ≥ 0; got {MeanFieldSweeps}.");
        if (!(Damping >= 0f && Damping < 1f)) throw new InvalidOptionsException(nameof(Damping), $"must be in [0, 1); got {Damping}.");
        if (!Enum.IsDefined(ChainStart))
            throw new InvalidOptionsException(nameof(ChainStart), $"unknown chain start {(int)ChainStart}; expected FirstBatch or Random.");
    }
}
