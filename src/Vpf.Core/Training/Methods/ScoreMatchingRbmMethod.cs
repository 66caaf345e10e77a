using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// Marginal score matching of an RBM with Gaussian visible units (<see cref="ScoreMatchingRbm"/>), the real-valued
/// counterpart of <see cref="MpfRbmMethod"/>. Name "sm-rbm".
/// </summary>
public sealed record ScoreMatchingRbmMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "sm-rbm";

    /// <inheritdoc />
    /// <remarks>False: J is Hyvärinen's score-matching objective, the small-move limit of a flow but not comparable with K.</remarks>
    public override bool IsFlow => false;

    /// <inheritdoc />
    public override string ObjectiveName => "J";

    /// <inheritdoc />
    public override string ObjectiveDescription => "score-matching objective J";

    /// <summary>The flow methods' settings (<see cref="VpfMethod.DefaultTraining"/>): 10 epochs of mini-batches of 100, Adam with step 1e-3, centered; not yet measured on real-valued data.</summary>
    public override TrainingOptions DefaultTraining => CenteredAdam;

    /// <inheritdoc />
    public override MethodSettings Settings => new();

    /// <inheritdoc />
    public override TrainingMethod With(MethodSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return this;
    }

    /// <inheritdoc />
    public override void Validate() { }

    private protected override ITrainingObjective Create() => new ScoreMatchingRbm();
}
