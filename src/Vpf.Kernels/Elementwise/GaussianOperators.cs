using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// The score-matching term of a unit-variance Gaussian unit with state x and field (conditional mean) u: returns
/// δ = ∂(½ r² − 1)/∂u = u − x and gives ½ r² − 1 (r = x − u) as the summed by-product (vpf-math.md §9).
/// </summary>
internal readonly struct ScoreMatchingTermOperator : IMapSumOperator
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x, float u, out float term)
    {
        float r = x - u;
        term = 0.5f * r * r - 1f;
        return -r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> u, out Vector128<float> term)
    {
        Vector128<float> r = x - u;
        term = Vector128.Create(0.5f) * r * r - Vector128<float>.One;
        return -r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> u, out Vector256<float> term)
    {
        Vector256<float> r = x - u;
        term = Vector256.Create(0.5f) * r * r - Vector256<float>.One;
        return -r;
    }
}

/// <summary>
/// A unit-variance Gaussian draw around a mean: mean + Z with Z = √(−2 ln U₁) cos(2π U₂) (Box–Muller), U₁ = 1 − U(key, counter)
/// ∈ (0, 1] and U₂ the uniform of the same counter under the swapped key words. Scalar only: the draw costs O(n) against
/// the O(n·m) matrix products around it, and one formula on every path keeps the draws identical across widths.
/// </summary>
internal readonly struct GaussianNoiseOperator : ICounterOperator
{
    public static bool Vectorizable => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float mean, uint counter, uint key0, uint key1)
    {
        float u1 = 1f - CounterRandom.ToUnit(CounterRandom.Hash(counter, key0, key1));
        float u2 = CounterRandom.ToUnit(CounterRandom.Hash(counter, key1, key0));
        return mean + MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2);
    }

    public static Vector128<float> Invoke(Vector128<float> mean, Vector128<uint> counter, Vector128<uint> key0, Vector128<uint> key1)
    {
        Span<float> lanes = stackalloc float[Vector128<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = Invoke(mean[i], counter[i], key0[i], key1[i]);
        return Vector128.Create<float>(lanes);
    }

    public static Vector256<float> Invoke(Vector256<float> mean, Vector256<uint> counter, Vector256<uint> key0, Vector256<uint> key1)
    {
        Span<float> lanes = stackalloc float[Vector256<float>.Count];
        for (int i = 0; i < lanes.Length; i++) lanes[i] = Invoke(mean[i], counter[i], key0[i], key1[i]);
        return Vector256.Create<float>(lanes);
    }
}

/// <summary>
/// The error of a hidden unit's pre-activation a in marginal score matching (vpf-math.md §9): with s = σ(a) the input,
/// g = s(1 − s), previous = t = ∂J/∂s through the residual and bias = Σ_i W_ij², returns g·t + g(1 − 2s)·Σ_i W_ij².
/// </summary>
internal readonly struct ScoreMatchingHiddenOperator : IRowBiasOperator
{
    public static bool Vectorizable => true;
    public static bool ReadsDestination => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float s, float squares, float t, float unused)
    {
        float g = s * (1f - s);
        return g * t + g * (1f - 2f * s) * squares;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> s, Vector128<float> squares, Vector128<float> t, Vector128<float> unused)
    {
        Vector128<float> g = s * (Vector128<float>.One - s);
        return g * t + g * (Vector128<float>.One - Vector128.Create(2f) * s) * squares;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> s, Vector256<float> squares, Vector256<float> t, Vector256<float> unused)
    {
        Vector256<float> g = s * (Vector256<float>.One - s);
        return g * t + g * (Vector256<float>.One - Vector256.Create(2f) * s) * squares;
    }
}
