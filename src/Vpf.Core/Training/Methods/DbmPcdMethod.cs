using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// Salakhutdinov &amp; Hinton's DBM learning (<see cref="DbmPersistentContrastiveDivergence"/>): mean-field positive
/// phase, persistent Gibbs chains; any machine with at least one hidden layer. Name "dbm-pcd"; "pcd" on a deep or
/// laterally connected machine means this method too (<see cref="PcdMethod.ResolveFor"/>).
/// </summary>
public sealed record DbmPcdMethod : TrainingMethod
{
    /// <summary>Chains, Gibbs steps, mean-field sweeps, damping, chain start. Default <see cref="DbmPcdOptions"/>' defaults.</summary>
    public DbmPcdOptions Options { get; init; } = new();

    /// <inheritdoc />
    public override string Name => "dbm-pcd";

    /// <summary>
    /// The flows' settings: 10 epochs of mini-batches of 100, Adam with step 1e-3, centered — the setting the paper's
    /// grid (scripts/paper.fsx) trains DBM-PCD with; the paper's own SGD schedule was not measured here.
    /// </summary>
    public override TrainingOptions DefaultTraining => CenteredAdam;

    /// <inheritdoc />
    public override MethodSettings Settings => new() { MeanFieldSweeps = Options.MeanFieldSweeps, GibbsSteps = Options.GibbsSteps };

    /// <inheritdoc />
    public override TrainingMethod With(MethodSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return this with
        {
            Options = Options with
            {
                MeanFieldSweeps = settings.MeanFieldSweeps ?? Options.MeanFieldSweeps,
                GibbsSteps = settings.GibbsSteps ?? Options.GibbsSteps,
            },
        };
    }

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
    public override string? OptionsJson() => Training.OptionsJson.Serialize(Options);

    private protected override TrainingMethod WithOptionsJson(string json) => this with { Options = Training.OptionsJson.Deserialize<DbmPcdOptions>(json) };

    private protected override ITrainingObjective Create() => new DbmPersistentContrastiveDivergence(Options);
}
