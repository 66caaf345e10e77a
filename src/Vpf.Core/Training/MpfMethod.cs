namespace Vpf.Core.Training;

/// <summary>Minimum Probability Flow (<see cref="MinimumProbabilityFlow"/>) of a fully visible machine (one layer). Name "mpf".</summary>
public sealed record MpfMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "mpf";

    /// <inheritdoc />
    public override void Validate() { }

    private protected override ITrainingObjective Create() => new MinimumProbabilityFlow();
}
