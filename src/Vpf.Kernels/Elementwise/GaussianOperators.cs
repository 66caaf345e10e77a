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
/// ∈ (0, 1] and U₂ the uniform of the same counter under the swapped key words. The uniforms are the same integer hashes on
/// every path; the vector paths differ from the scalar one only by the rounding of Vector.Log/Cos against MathF.Log/Cos.
/// </summary>
internal readonly struct GaussianNoiseOperator : ICounterOperator
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float mean, uint counter, uint key0, uint key1)
    {
        float u1 = 1f - CounterRandom.ToUnit(CounterRandom.Hash(counter, key0, key1));
        float u2 = CounterRandom.ToUnit(CounterRandom.Hash(counter, key1, key0));
        return mean + MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> mean, Vector128<uint> counter, Vector128<uint> key0, Vector128<uint> key1)
    {
        Vector128<float> unit = Vector128.Create(CounterRandom.Unit);
        Vector128<uint> h1 = BernoulliOperator.Mix(BernoulliOperator.Mix(counter ^ key0) + key1);
        Vector128<uint> h2 = BernoulliOperator.Mix(BernoulliOperator.Mix(counter ^ key1) + key0);
        Vector128<float> u1 = Vector128<float>.One - Vector128.ConvertToSingle(Vector128.ShiftRightLogical(h1, 8).AsInt32()) * unit;
        Vector128<float> u2 = Vector128.ConvertToSingle(Vector128.ShiftRightLogical(h2, 8).AsInt32()) * unit;
        return mean + Vector128.Sqrt(Vector128.Create(-2f) * Vector128.Log(u1)) * Vector128.Cos(Vector128.Create(2f * MathF.PI) * u2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> mean, Vector256<uint> counter, Vector256<uint> key0, Vector256<uint> key1)
    {
        Vector256<float> unit = Vector256.Create(CounterRandom.Unit);
        Vector256<uint> h1 = BernoulliOperator.Mix(BernoulliOperator.Mix(counter ^ key0) + key1);
        Vector256<uint> h2 = BernoulliOperator.Mix(BernoulliOperator.Mix(counter ^ key1) + key0);
        Vector256<float> u1 = Vector256<float>.One - Vector256.ConvertToSingle(Vector256.ShiftRightLogical(h1, 8).AsInt32()) * unit;
        Vector256<float> u2 = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(h2, 8).AsInt32()) * unit;
        return mean + Vector256.Sqrt(Vector256.Create(-2f) * Vector256.Log(u1)) * Vector256.Cos(Vector256.Create(2f * MathF.PI) * u2);
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

/// <summary>out = input + bias: a Gaussian unit's conditional mean from its input and bias.</summary>
internal readonly struct AddBiasOperator : IRowBiasOperator
{
    public static bool Vectorizable => true;
    public static bool ReadsDestination => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float input, float bias, float previous, float unused) => input + bias;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> input, Vector128<float> bias, Vector128<float> previous, Vector128<float> unused) => input + bias;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> input, Vector256<float> bias, Vector256<float> previous, Vector256<float> unused) => input + bias;
}
