using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>The element-wise step of SGD with heavy-ball momentum on one parameter tensor.</summary>
internal static unsafe class MomentumUpdate
{
    /// <summary>
    /// Updates θ and the velocity v in place from the gradient g: v ← μv + g + λθ, θ ← θ − ηv, with μ =
    /// <paramref name="momentum"/>, λ = <paramref name="decay"/> and η = <paramref name="eta"/> (see <see cref="MomentumRule"/>).
    /// All three spans have θ's length; every vector width and every thread count gives the bits of that scalar loop.
    /// </summary>
    public static void Step(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> velocity, float decay, float momentum, float eta)
    {
        int n = theta.Length;
        Validate.Length(gradient.Length, n, nameof(gradient), "theta.Length");
        Validate.Length(velocity.Length, n, nameof(velocity), "theta.Length");
        if (n == 0) return;
        fixed (float* pt = theta, pg = gradient, pv = velocity)
            DescentPass.Elements(pt, pg, n, new MomentumRule(pv, decay, momentum, eta));
    }
}
