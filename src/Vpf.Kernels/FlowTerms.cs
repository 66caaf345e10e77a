using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>Sum of the flow terms φ of a block of units and how often the field clamp fired.</summary>
/// <param name="Phi">Σ φ_k over the block, accumulated in double.</param>
/// <param name="Clamped">Number of units whose |u| exceeded the field limit and was clamped.</param>
internal readonly record struct FlowSums(double Phi, long Clamped)
{
    /// <summary>Adds two partial sums.</summary>
    public static FlowSums operator +(FlowSums x, FlowSums y) => new(x.Phi + y.Phi, x.Clamped + y.Clamped);
}

/// <summary>
/// The unified flow term of vpf-math.md §3 for a whole layer:
/// φ = x e^{−u/2} + (1 − x) e^{u/2} and δ = ∂φ/∂u = ½[(1 − x) e^{u/2} − x e^{−u/2}],
/// valid for binary states (where φ = exp(½(1 − 2x)u), the MPF term) and for mean-field rates x ∈ [0, 1].
/// </summary>
internal static class FlowTerms
{
    /// <summary>Default limit on |u|: e^{30} is far from float overflow, and a field that large means a diverging model.</summary>
    public const float DefaultFieldLimit = 60f;

    /// <summary>
    /// Computes δ for every element and returns Σφ. u is clamped to ±<paramref name="fieldLimit"/> first (and counted),
    /// so that e^{±u/2} stays finite; δ of a clamped unit is that of the clamped field.
    /// </summary>
    public static FlowSums Compute(ReadOnlySpan<float> states, ReadOnlySpan<float> field, Span<float> delta, float fieldLimit = DefaultFieldLimit)
    {
        int length = field.Length;
        string what = $"field.Length = {length}";
        Validate.Length(states.Length, length, nameof(states), what);
        Validate.Length(delta.Length, length, nameof(delta), what);
        if (!(fieldLimit > 0f))
            throw new ArgumentOutOfRangeException(nameof(fieldLimit), fieldLimit, "The field limit must be positive.");
        Validate.SameOrDisjoint(field, delta[..length], nameof(field), nameof(delta));
        Validate.SameOrDisjoint(states[..length], delta[..length], nameof(states), nameof(delta));
        // A NaN field is neither clamped nor counted: φ and δ become NaN, so a diverging model is detected upstream.
        var (phi, clamped) = ClampedMapSum<FlowTermOperator>.Invoke(states, field, delta, length, fieldLimit);
        return new FlowSums(phi, clamped);
    }
}
