namespace Vpf.Core.Training;

/// <summary>
/// What a training objective reports for one mini-batch: its value (mean over the rows) and how often a field had to be
/// clamped. The value is the flow objective K for VPF, MPF and MPF-RBM and the monitored reconstruction cross-entropy
/// for CD, PCD and DBM-PCD (<see cref="TrainingMethod.ObjectiveName"/> says which).
/// </summary>
/// <param name="Value">Mean over the batch of the objective: Σ_k φ_k for a flow (always &gt; 0 for a finite model; VPF with
/// persistent samples adds λ log K̄_P, which may make it negative), the reconstruction cross-entropy in nats per row for a
/// contrastive-divergence baseline.</param>
/// <param name="ClampCount">Units whose |u| exceeded the kernel's field limit (a sign of a diverging model when not 0).</param>
internal readonly record struct ObjectiveValue(double Value, long ClampCount);
