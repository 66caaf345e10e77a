using Vpf.Core.Baselines;

namespace Vpf.Core.Training;

/// <summary>
/// Salakhutdinov &amp; Hinton's DBM learning (<see cref="DbmPersistentContrastiveDivergence"/>): mean-field positive
/// phase, persistent Gibbs chains; any machine with at least one hidden layer. Name "dbm-pcd".
/// </summary>
public sealed record DbmPcdMethod : TrainingMethod
{
    /// <summary>Chains, Gibbs steps, mean-field sweeps, damping, chain start. Default <see cref="DbmPcdOptions"/>' defaults.</summary>
    public DbmPcdOptions Options { get; init; } = new();

    /// <inheritdoc />
    public override string Name => "dbm-pcd";

    /// <inheritdoc />
    public override bool IsFlow => false;

    /// <inheritdoc />
    public override string ObjectiveName => "reconstruction CE";

    /// <inheritdoc />
    public override string ObjectiveDescription => "reconstruction cross-entropy of the mean-field positive phase (DBM-PCD's monitor)";

    /// <inheritdoc />
    public override string Description => $"dbm-pcd ({Options.GibbsSteps} Gibbs steps, {Options.MeanFieldSweeps} sweeps)";

    /// <inheritdoc />
    public override int InferenceSweeps => Math.Max(1, Options.MeanFieldSweeps);

    /// <inheritdoc />
    public override void Validate() => ValidateWithin(nameof(Options), Options, () => Options.Validate());

    /// <inheritdoc />
    public override string? OptionsJson() => Persistence.OptionsJson.Serialize(Options);

    private protected override ITrainingObjective Create() => new DbmPersistentContrastiveDivergence(Options);
}
