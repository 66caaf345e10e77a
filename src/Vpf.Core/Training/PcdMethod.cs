using Vpf.Core.Baselines;

namespace Vpf.Core.Training;

/// <summary>
/// Persistent contrastive divergence PCD-k of an RBM (<see cref="ContrastiveDivergence"/> with persistent fantasy
/// chains, one per row of the first batch). Name "pcd". A DBM is trained by <see cref="DbmPcdMethod"/>.
/// </summary>
public sealed record PcdMethod : TrainingMethod
{
    /// <summary>Gibbs steps k per update; ≥ 1. Default 1.</summary>
    public int Steps { get; init; } = 1;

    /// <inheritdoc />
    public override string Name => "pcd";

    /// <inheritdoc />
    public override bool IsFlow => false;

    /// <inheritdoc />
    public override string ObjectiveName => "reconstruction CE";

    /// <inheritdoc />
    public override string ObjectiveDescription => "one-step reconstruction cross-entropy (CD's monitor)";

    /// <inheritdoc />
    public override string Description => $"pcd (k = {Steps})";

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override string? OptionsJson() => Persistence.OptionsJson.Serialize(ToOptions());

    private protected override ITrainingObjective Create() => new ContrastiveDivergence(ToOptions());

    private ContrastiveDivergenceOptions ToOptions() => new() { Steps = Steps, Persistent = true };
}
