using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>The scalars of one Adam step, broadcast once per call (T = float, or a vector of floats).</summary>
internal readonly struct AdamCoefficients<T>(T decay, T beta1, T oneMinusBeta1, T beta2, T oneMinusBeta2, T stepSize, T epsilon)
    where T : unmanaged
{
    public readonly T Decay = decay, Beta1 = beta1, OneMinusBeta1 = oneMinusBeta1, Beta2 = beta2, OneMinusBeta2 = oneMinusBeta2,
        StepSize = stepSize, Epsilon = epsilon;
}

/// <summary>
/// One Adam update of a parameter θ with gradient g and moments m, s: g' = g + λθ, m ← β₁m + (1−β₁)g',
/// s ← β₂s + (1−β₂)g'², θ ← θ − η m / (√s + ε). Plain multiplies and adds (no FMA) and correctly rounded square root and
/// division, so every width gives the same bits as the scalar path.
/// </summary>
internal readonly struct AdamOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Invoke(ref float theta, ref float m, ref float s, float g, in AdamCoefficients<float> c)
    {
        float gi = g + c.Decay * theta;
        m = c.Beta1 * m + c.OneMinusBeta1 * gi;
        s = c.Beta2 * s + c.OneMinusBeta2 * (gi * gi);
        theta -= c.StepSize * m / (MathF.Sqrt(s) + c.Epsilon);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Invoke(ref Vector128<float> theta, ref Vector128<float> m, ref Vector128<float> s, Vector128<float> g,
        in AdamCoefficients<Vector128<float>> c)
    {
        Vector128<float> gi = g + c.Decay * theta;
        m = c.Beta1 * m + c.OneMinusBeta1 * gi;
        s = c.Beta2 * s + c.OneMinusBeta2 * (gi * gi);
        theta -= c.StepSize * m / (Vector128.Sqrt(s) + c.Epsilon);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Invoke(ref Vector256<float> theta, ref Vector256<float> m, ref Vector256<float> s, Vector256<float> g,
        in AdamCoefficients<Vector256<float>> c)
    {
        Vector256<float> gi = g + c.Decay * theta;
        m = c.Beta1 * m + c.OneMinusBeta1 * gi;
        s = c.Beta2 * s + c.OneMinusBeta2 * (gi * gi);
        theta -= c.StepSize * m / (Vector256.Sqrt(s) + c.Epsilon);
    }
}
