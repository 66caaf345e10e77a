namespace Vpf.Kernels;

/// <summary>Sum of the flow terms φ of a block of units and how often the field clamp fired.</summary>
/// <param name="Phi">Σ φ_k over the block, accumulated in double.</param>
/// <param name="Clamped">Number of units whose |u| exceeded the field limit and was clamped.</param>
public readonly record struct FlowSums(double Phi, long Clamped)
{
    /// <summary>Adds two partial sums.</summary>
    public static FlowSums operator +(FlowSums x, FlowSums y) => new(x.Phi + y.Phi, x.Clamped + y.Clamped);
}

/// <summary>
/// The unified flow term of vpf-math.md §3 for a whole layer:
/// φ = x e^{−u/2} + (1 − x) e^{u/2} and δ = ∂φ/∂u = ½[(1 − x) e^{u/2} − x e^{−u/2}],
/// valid for binary states (where φ = exp(½(1 − 2x)u), the MPF term) and for mean-field rates x ∈ [0, 1].
/// </summary>
public static class FlowTerms
{
    /// <summary>Default limit on |u|: e^{30} is far from float overflow, and a field that large means a diverging model.</summary>
    public const float DefaultFieldLimit = 60f;

    /// <summary>
    /// Computes δ for every element and returns Σφ. u is clamped to ±<paramref name="fieldLimit"/> first (and counted),
    /// so that e^{±u/2} stays finite; δ of a clamped unit is that of the clamped field.
    /// </summary>
    public static FlowSums Compute(ReadOnlySpan<float> states, ReadOnlySpan<float> field, Span<float> delta, float fieldLimit = DefaultFieldLimit)
    {
        double phi = 0;
        long clamped = 0;
        for (int i = 0; i < field.Length; i++)
        {
            float u = field[i];
            if (u > fieldLimit) { u = fieldLimit; clamped++; }
            else if (u < -fieldLimit) { u = -fieldLimit; clamped++; }
            float x = states[i];
            float up = MathF.Exp(0.5f * u), down = MathF.Exp(-0.5f * u);
            phi += x * down + (1f - x) * up;
            delta[i] = 0.5f * ((1f - x) * up - x * down);
        }
        return new FlowSums(phi, clamped);
    }
}
