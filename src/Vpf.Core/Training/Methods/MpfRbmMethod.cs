using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>MPF of an RBM with its hidden units summed out (<see cref="Training.MpfRbm"/>). Name "mpf-rbm".</summary>
public sealed record MpfRbmMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "mpf-rbm";

    /// <summary>VPF's settings (<see cref="VpfMethod.DefaultTraining"/>): 10 epochs of mini-batches of 100, Adam with step 1e-3, centered; MPF-RBM is the same flow with the hidden units summed out exactly.</summary>
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

    private protected override ITrainingObjective Create() => new MpfRbm();
}
