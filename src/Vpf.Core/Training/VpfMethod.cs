namespace Vpf.Core.Training;

/// <summary>Variational Probability Flow (<see cref="VariationalProbabilityFlow"/>): any machine with at least one hidden layer. Name "vpf".</summary>
public sealed record VpfMethod : TrainingMethod
{
    /// <summary>Estimator, mean-field sweeps, damping, samples per datum. Default <see cref="VpfOptions"/>' defaults.</summary>
    public VpfOptions Options { get; init; } = new();

    /// <inheritdoc />
    public override string Name => "vpf";

    /// <inheritdoc />
    public override string Description => $"vpf ({Options.Estimator}, {Options.MeanFieldSweeps} sweeps)";

    /// <inheritdoc />
    public override int InferenceSweeps => Math.Max(1, Options.MeanFieldSweeps);

    /// <inheritdoc />
    public override void Validate() => ValidateWithin(nameof(Options), Options, () => Options.Validate());

    /// <inheritdoc />
    public override string? OptionsJson() => Persistence.OptionsJson.Serialize(Options);

    private protected override ITrainingObjective Create() => new VariationalProbabilityFlow(Options);
}
