using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

// Operator contracts in the style of the runtime's TensorPrimitives: each operation is a readonly struct with
// static abstract members, one scalar and one overload per vector width, and a generic driver per shape owns
// validation, threading and dispatch. The scalar Invoke computes the same formula as the vector ones; the only
// difference between paths is MathF.Exp versus Vector128/256.Exp (a few ulps).

/// <summary>y = f(x).</summary>
internal interface IUnaryOperator
{
    static abstract bool Vectorizable { get; }
    static abstract float Invoke(float x);
    static abstract Vector128<float> Invoke(Vector128<float> x);
    static abstract Vector256<float> Invoke(Vector256<float> x);
}

/// <summary>
/// A row-broadcast operation on a rows × n batch: out[r, i] = f(input[r, i], bias[i], out[r, i], parameter).
/// <see cref="ReadsDestination"/> says whether the previous output value is an operand.
/// </summary>
internal interface IRowBiasOperator
{
    static abstract bool Vectorizable { get; }
    static abstract bool ReadsDestination { get; }
    static abstract float Invoke(float input, float bias, float previous, float parameter);
    static abstract Vector128<float> Invoke(Vector128<float> input, Vector128<float> bias, Vector128<float> previous, Vector128<float> parameter);
    static abstract Vector256<float> Invoke(Vector256<float> input, Vector256<float> bias, Vector256<float> previous, Vector256<float> parameter);
}

/// <summary>An accumulation y ← f(x, y, parameter).</summary>
internal interface IAccumulateOperator
{
    static abstract bool Vectorizable { get; }
    static abstract float Invoke(float x, float y, float parameter);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> parameter);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> parameter);
}

/// <summary>out[i] = f(x[i], i, key): an operation that depends on the element's counter (its index) and a 64-bit key.</summary>
internal interface ICounterOperator
{
    static abstract bool Vectorizable { get; }
    static abstract float Invoke(float x, uint counter, uint key0, uint key1);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<uint> counter, Vector128<uint> key0, Vector128<uint> key1);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<uint> counter, Vector256<uint> key0, Vector256<uint> key1);
}

/// <summary>
/// A binary map with a summed by-product: out = f(x, u) and the returned value g(x, u) is summed by the driver.
/// </summary>
internal interface IMapSumOperator
{
    static abstract bool Vectorizable { get; }
    static abstract float Invoke(float x, float u, out float sum);
    static abstract Vector128<float> Invoke(Vector128<float> x, Vector128<float> u, out Vector128<float> sum);
    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> u, out Vector256<float> sum);
}

/// <summary>σ(z) = 1 / (1 + e^{−z}) with z clamped to ±88 first, so that ±large and ±∞ give 0 or 1 (never NaN); NaN propagates.</summary>
internal readonly struct SigmoidOperator : IUnaryOperator
{
    /// <summary>e^{88} ≈ 1.65e38 is still finite in single precision.</summary>
    public const float Limit = 88f;

    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float z)
    {
        z = MathF.Min(MathF.Max(z, -Limit), Limit); // MathF.Max/Min propagate NaN
        return 1f / (1f + MathF.Exp(-z));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> z)
    {
        // Vector128.Max/Min follow IEEE 754:2019 maximum/minimum: NaN propagates as in the scalar path.
        z = Vector128.Min(Vector128.Max(z, Vector128.Create(-Limit)), Vector128.Create(Limit));
        return Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-z));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> z)
    {
        z = Vector256.Min(Vector256.Max(z, Vector256.Create(-Limit)), Vector256.Create(Limit));
        return Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-z));
    }
}

/// <summary>out = σ(parameter · input + bias): the fused local field and sigmoid, parameter = scale.</summary>
internal readonly struct ScaledSigmoidOperator : IRowBiasOperator
{
    public static bool Vectorizable => true;
    public static bool ReadsDestination => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float input, float bias, float previous, float scale) => SigmoidOperator.Invoke(scale * input + bias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> input, Vector128<float> bias, Vector128<float> previous, Vector128<float> scale)
        => SigmoidOperator.Invoke(scale * input + bias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> input, Vector256<float> bias, Vector256<float> previous, Vector256<float> scale)
        => SigmoidOperator.Invoke(scale * input + bias);
}

/// <summary>out = α·previous + (1 − α)·σ(input + bias), parameter = α (the damping).</summary>
internal readonly struct DampedSigmoidOperator : IRowBiasOperator
{
    public static bool Vectorizable => true;
    public static bool ReadsDestination => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float input, float bias, float previous, float damping)
        => damping * previous + (1f - damping) * SigmoidOperator.Invoke(input + bias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> input, Vector128<float> bias, Vector128<float> previous, Vector128<float> damping)
        => damping * previous + (Vector128<float>.One - damping) * SigmoidOperator.Invoke(input + bias);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> input, Vector256<float> bias, Vector256<float> previous, Vector256<float> damping)
        => damping * previous + (Vector256<float>.One - damping) * SigmoidOperator.Invoke(input + bias);
}

/// <summary>y ← y + α·x (plain multiply and add, no FMA, so every path gives bit-identical results).</summary>
internal readonly struct AddScaledOperator : IAccumulateOperator
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x, float y, float alpha) => y + alpha * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> y, Vector128<float> alpha) => y + alpha * x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y, Vector256<float> alpha) => y + alpha * x;
}

/// <summary>
/// The flow term of an already clamped field u and state x: returns δ = ½[(1 − x)e^{u/2} − x e^{−u/2}] and gives
/// φ = x e^{−u/2} + (1 − x)e^{u/2} as the summed by-product. One exponential per element: e^{−u/2} = 1 / e^{u/2}.
/// Both forms are exact combinations for binary x (x·a + (1 − x)·b with x ∈ {0, 1}), so φ = exp(½(1 − 2x)u) there.
/// </summary>
internal readonly struct FlowTermOperator : IMapSumOperator
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x, float u, out float phi)
    {
        float up = MathF.Exp(0.5f * u);
        float down = 1f / up;
        float notX = 1f - x;
        phi = x * down + notX * up;
        return 0.5f * (notX * up - x * down);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x, Vector128<float> u, out Vector128<float> phi)
    {
        Vector128<float> half = Vector128.Create(0.5f);
        Vector128<float> up = Vector128.Exp(half * u);
        Vector128<float> down = Vector128<float>.One / up;
        Vector128<float> notX = Vector128<float>.One - x;
        phi = x * down + notX * up;
        return half * (notX * up - x * down);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> u, out Vector256<float> phi)
    {
        Vector256<float> half = Vector256.Create(0.5f);
        Vector256<float> up = Vector256.Exp(half * u);
        Vector256<float> down = Vector256<float>.One / up;
        Vector256<float> notX = Vector256<float>.One - x;
        phi = x * down + notX * up;
        return half * (notX * up - x * down);
    }
}

/// <summary>
/// A Bernoulli spike: 1 when U(key, counter) &lt; p, else 0, with U the counter-based uniform of
/// <see cref="CounterRandom"/>. The vector overloads run the same 32-bit integer hash lane by lane, so they are bit-identical.
/// </summary>
internal readonly struct BernoulliOperator : ICounterOperator
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float p, uint counter, uint key0, uint key1)
        => CounterRandom.ToUnit(CounterRandom.Hash(counter, key0, key1)) < p ? 1 : 0; // int select (setcc), no branch

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> p, Vector128<uint> counter, Vector128<uint> key0, Vector128<uint> key1)
    {
        Vector128<uint> h = Mix(Mix(counter ^ key0) + key1);
        Vector128<float> u = Vector128.ConvertToSingle(Vector128.ShiftRightLogical(h, 8).AsInt32()) * Vector128.Create(CounterRandom.Unit);
        return Vector128.LessThan(u, p) & Vector128<float>.One;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> p, Vector256<uint> counter, Vector256<uint> key0, Vector256<uint> key1)
    {
        Vector256<uint> h = Mix(Mix(counter ^ key0) + key1);
        Vector256<float> u = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(h, 8).AsInt32()) * Vector256.Create(CounterRandom.Unit);
        return Vector256.LessThan(u, p) & Vector256<float>.One;
    }

    /// <summary>Lane-wise <see cref="CounterRandom.Mix"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Mix(Vector128<uint> x)
    {
        x ^= Vector128.ShiftRightLogical(x, 16); x *= Vector128.Create(CounterRandom.Multiplier1);
        x ^= Vector128.ShiftRightLogical(x, 15); x *= Vector128.Create(CounterRandom.Multiplier2);
        x ^= Vector128.ShiftRightLogical(x, 16);
        return x;
    }

    /// <summary>Lane-wise <see cref="CounterRandom.Mix"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Mix(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16); x *= Vector256.Create(CounterRandom.Multiplier1);
        x ^= Vector256.ShiftRightLogical(x, 15); x *= Vector256.Create(CounterRandom.Multiplier2);
        x ^= Vector256.ShiftRightLogical(x, 16);
        return x;
    }
}
