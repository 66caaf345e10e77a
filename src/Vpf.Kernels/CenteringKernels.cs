using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>
/// The gradient of one weight matrix in centered coordinates (vpf-math.md §8), in one pass over it. Training does not
/// call it: the optimiser's step centers each element as it goes (<see cref="CenteredWeightStep"/>); this is the
/// transform on its own, for the centered gradient as a value.
/// </summary>
internal static class CenteringKernels
{
    /// <summary>
    /// g[k, j] ← g[k, j] − (a[k]·gUpper[j] + gLower[k]·aUpper[j]) for g of shape a.Length × aUpper.Length: the weight
    /// gradient g_W − a_l ⊗ g_{b_{l+1}} − g_{b_l} ⊗ a_{l+1}, rounded as the plain loop rounds it (no fused multiply-add).
    /// </summary>
    public static void SubtractOffsetOuterProducts(Span<float> g, ReadOnlySpan<float> a, ReadOnlySpan<float> gUpper,
        ReadOnlySpan<float> gLower, ReadOnlySpan<float> aUpper)
    {
        int n = a.Length, m = aUpper.Length;
        Validate.Length(g.Length, (long)n * m, nameof(g), $"a.Length × aUpper.Length = {n} × {m}");
        Validate.Length(gLower.Length, n, nameof(gLower), $"a.Length = {n}");
        Validate.Length(gUpper.Length, m, nameof(gUpper), $"aUpper.Length = {m}");
        OuterPairs<SubtractOuterPairOperator>.Invoke(g, a, gUpper, gLower, aUpper, n, m);
    }
}
