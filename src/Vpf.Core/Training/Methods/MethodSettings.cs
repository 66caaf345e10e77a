namespace Vpf.Core.Training;

/// <summary>
/// The method options a front end sets by name (a command-line flag, a script parameter) without knowing which
/// method it has: each method applies the ones it has (<see cref="TrainingMethod.With"/>) and reports them
/// (<see cref="TrainingMethod.Settings"/>); null means "not set" / "this method has no such option".
/// </summary>
public sealed record MethodSettings
{
    /// <summary>The flow estimator (VPF).</summary>
    public FlowEstimator? Estimator { get; init; }

    /// <summary>Mean-field sweeps of the E-step (VPF) or of the positive phase (DBM-PCD).</summary>
    public int? MeanFieldSweeps { get; init; }

    /// <summary>Gibbs steps per update: k of CD-k and PCD-k, the chains' full sweeps of DBM-PCD.</summary>
    public int? GibbsSteps { get; init; }

    /// <summary>Whether every state also flows to its all-bits-flipped complement (VPF, <see cref="VpfOptions.AllBitsFlipped"/>).</summary>
    public bool? AllBitsFlipped { get; init; }
    /// <summary>Persistent samples M connected to every data state (VPF, <see cref="VpfOptions.PersistentSamples"/>).</summary>
    public int? PersistentSamples { get; init; }

    /// <summary>Gibbs sweeps of the persistent chains before each batch (VPF, <see cref="VpfOptions.PersistentGibbsSweeps"/>).</summary>
    public int? PersistentGibbsSweeps { get; init; }

    /// <summary>Weight of the persistent-sample flow (VPF, <see cref="VpfOptions.PersistentFlowWeight"/>).</summary>
    public float? PersistentFlowWeight { get; init; }
}
