using Vpf.Core.Model;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// Persistent contrastive divergence PCD-k of an RBM (<see cref="ContrastiveDivergence"/> with persistent fantasy
/// chains, one per row of the first batch). Name "pcd". On any other machine the name means <see cref="DbmPcdMethod"/>
/// (<see cref="ResolveFor"/>).
/// </summary>
public sealed record PcdMethod : TrainingMethod
{
    /// <summary>Gibbs steps k per update; ≥ 1. Default 1.</summary>
    public int Steps { get; init; } = 1;

    /// <inheritdoc />
    public override string Name => "pcd";

    /// <summary>
    /// CD-1's settings (<see cref="CdMethod.DefaultTraining"/>): centered, Adam at step 1e-3 on mini-batches of 100,
    /// 10 epochs. Measured for CD-1 on the full Fashion-MNIST; on samples of a small teacher RBM PCD-1 and CD-1 ranked
    /// every optimiser setting the same, so PCD shares them.
    /// </summary>
    public override TrainingOptions DefaultTraining => CenteredAdam;

    /// <inheritdoc />
    public override MethodSettings Settings => new() { GibbsSteps = Steps };

    /// <inheritdoc />
    public override TrainingMethod With(MethodSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return this with { Steps = settings.GibbsSteps ?? Steps };
    }

    /// <summary>
    /// Itself on an RBM without lateral weights; <see cref="DbmPcdMethod"/> with its default options on a deep or
    /// laterally connected machine, where "pcd" has always meant Salakhutdinov &amp; Hinton's DBM learning.
    /// </summary>
    public override TrainingMethod ResolveFor(Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return architecture.IsRbm && !architecture.HasLateral[0] ? this : new DbmPcdMethod();
    }

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
    public override string? OptionsJson() => Training.OptionsJson.Serialize(ToOptions());

    private protected override TrainingMethod WithOptionsJson(string json) =>
        this with { Steps = Training.OptionsJson.Deserialize<ContrastiveDivergenceOptions>(json).Steps };

    private protected override ITrainingObjective Create() => new ContrastiveDivergence(ToOptions());

    private ContrastiveDivergenceOptions ToOptions() => new() { Steps = Steps, Persistent = true };
}
