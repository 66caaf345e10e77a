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

    /// <inheritdoc />
    public override void Validate() { }

    private protected override ITrainingObjective Create() => new ScoreMatchingRbm();
}
