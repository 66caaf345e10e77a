using Vpf.Core.Baselines;

namespace Vpf.Core.Training;

/// <summary>Contrastive divergence CD-k of an RBM (<see cref="ContrastiveDivergence"/>, chains restart at the data). Name "cd".</summary>
public sealed record CdMethod : TrainingMethod
{
    /// <summary>Gibbs steps k per update; ≥ 1. Default 1.</summary>
    public int Steps { get; init; } = 1;

    /// <inheritdoc />
    public override string Name => "cd";

    /// <inheritdoc />
    public override bool IsFlow => false;

    /// <inheritdoc />
    public override string ObjectiveName => "reconstruction CE";

    /// <inheritdoc />
    public override string ObjectiveDescription => "one-step reconstruction cross-entropy (CD's monitor)";

    /// <inheritdoc />
    public override string Description => $"cd (k = {Steps})";

    /// <inheritdoc />
    public override void Validate() => ToOptions().Validate();

    /// <inheritdoc />
    public override string? OptionsJson() => Persistence.OptionsJson.Serialize(ToOptions());

    private protected override ITrainingObjective Create() => new ContrastiveDivergence(ToOptions());

    private ContrastiveDivergenceOptions ToOptions() => new() { Steps = Steps };
}
