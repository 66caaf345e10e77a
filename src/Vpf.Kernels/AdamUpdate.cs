using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>The element-wise Adam step of one parameter tensor (the optimiser's state and bias correction live in Core).</summary>
internal static unsafe class AdamUpdate
{
    /// <summary>
    /// Updates θ, m and s in place from the gradient g, with weight decay λ = <paramref name="decay"/>, moment rates β₁, β₂,
    /// step size η (bias corrections already folded in) and ε: see <see cref="AdamOperator"/>. All four spans have
    /// θ's length; every vector width and every thread count (large tensors are split over
    /// <see cref="KernelSettings.MaxThreads"/>) gives the same bits.
    /// </summary>
    public static void Step(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second,
        float decay, float beta1, float beta2, float eta, float epsilon)
    {
        int n = theta.Length;
        Validate.Length(gradient.Length, n, nameof(gradient), "theta.Length");
        Validate.Length(first.Length, n, nameof(first), "theta.Length");
        Validate.Length(second.Length, n, nameof(second), "theta.Length");
        if (n == 0) return;
        fixed (float* pt = theta, pg = gradient, pm = first, ps = second)
            DescentPass.Elements(pt, pg, n, new AdamRule(pm, ps, decay, beta1, beta2, eta, epsilon));
    }
}
