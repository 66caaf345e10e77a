using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>Minimum Probability Flow (<see cref="MinimumProbabilityFlow"/>) of a fully visible machine (one layer). Name "mpf".</summary>
public sealed record MpfMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "mpf";

    /// <summary>VPF's settings (<see cref="VpfMethod.DefaultTraining"/>): 10 epochs of mini-batches of 100, Adam with step 1e-3, centered; MPF is VPF without hidden units.</summary>
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

    private protected override ITrainingObjective Create() => new MinimumProbabilityFlow();
}
