namespace Vpf.Core.Training;

/// <summary>MPF of an RBM with its hidden units summed out (<see cref="Training.MpfRbm"/>). Name "mpf-rbm".</summary>
public sealed record MpfRbmMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "mpf-rbm";

    /// <inheritdoc />
    public override void Validate() { }

    private protected override ITrainingObjective Create() => new MpfRbm();
}
