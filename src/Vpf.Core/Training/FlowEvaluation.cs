namespace Vpf.Core.Training;

/// <summary>The flow objective K of a mini-batch (mean over its rows) and how often a field had to be clamped.</summary>
/// <param name="K">Mean over the batch of Σ_k φ_k; always &gt; 0 for a finite model.</param>
/// <param name="ClampCount">Units whose |u| exceeded the kernel's field limit (a sign of a diverging model when not 0).</param>
public readonly record struct FlowEvaluation(double K, long ClampCount);
