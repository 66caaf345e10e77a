using System.Runtime.Intrinsics;
using Vpf.Kernels.Elementwise;

namespace Vpf.Kernels;

/// <summary>The element-wise Adam step of one parameter tensor (the optimiser's state and bias correction live in Core).</summary>
internal static unsafe class AdamUpdate
{
    /// <summary>
    /// Updates θ, m and s in place from the gradient g, with weight decay λ = <paramref name="decay"/>, moment rates β₁, β₂,
    /// step size η (bias corrections already folded in) and ε: see <see cref="AdamOperator"/>. All four spans have
    /// θ's length; every vector width gives the same bits.
    /// </summary>
    public static void Step(Span<float> theta, ReadOnlySpan<float> gradient, Span<float> first, Span<float> second,
        float decay, float beta1, float beta2, float eta, float epsilon)
    {
        int n = theta.Length;
        Validate.Length(gradient.Length, n, nameof(gradient), "theta.Length");
        Validate.Length(first.Length, n, nameof(first), "theta.Length");
        Validate.Length(second.Length, n, nameof(second), "theta.Length");
        if (n == 0) return;
        float c1 = 1 - beta1, c2 = 1 - beta2;
        int width = VectorPath.Current, i = 0;
        fixed (float* pt = theta, pg = gradient, pm = first, ps = second)
        {
            // Vector body and a SCALAR tail: the update reads and writes θ, m and s, so an overlapping last vector would
            // apply it twice to the overlapped elements.
            if (width >= 256)
            {
                var c = new AdamCoefficients<Vector256<float>>(Vector256.Create(decay), Vector256.Create(beta1), Vector256.Create(c1),
                    Vector256.Create(beta2), Vector256.Create(c2), Vector256.Create(eta), Vector256.Create(epsilon));
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Vector256<float> t = Vector256.Load(pt + i), m = Vector256.Load(pm + i), s = Vector256.Load(ps + i);
                    AdamOperator.Invoke(ref t, ref m, ref s, Vector256.Load(pg + i), c);
                    t.Store(pt + i);
                    m.Store(pm + i);
                    s.Store(ps + i);
                }
            }
            else if (width >= 128)
            {
                var c = new AdamCoefficients<Vector128<float>>(Vector128.Create(decay), Vector128.Create(beta1), Vector128.Create(c1),
                    Vector128.Create(beta2), Vector128.Create(c2), Vector128.Create(eta), Vector128.Create(epsilon));
                for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                {
                    Vector128<float> t = Vector128.Load(pt + i), m = Vector128.Load(pm + i), s = Vector128.Load(ps + i);
                    AdamOperator.Invoke(ref t, ref m, ref s, Vector128.Load(pg + i), c);
                    t.Store(pt + i);
                    m.Store(pm + i);
                    s.Store(ps + i);
                }
            }
            var scalar = new AdamCoefficients<float>(decay, beta1, c1, beta2, c2, eta, epsilon);
            for (; i < n; i++) AdamOperator.Invoke(ref pt[i], ref pm[i], ref ps[i], pg[i], scalar);
        }
    }
}
