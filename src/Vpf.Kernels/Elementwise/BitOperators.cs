using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// Bit i of a word → lane i as the binary state 0f or 1f, for as many low bits as the width has lanes (1, 4 or 8). Every width tests the
/// same bit of the same word, so all paths give the same bits.
/// </summary>
internal readonly struct BitToStateOperator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(uint bits) => bits & 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke128(uint bits)
    {
        // Broadcast the word, keep one bit per lane, turn the lanes whose bit is set into 1f.
        Vector128<uint> lanes = Vector128.Create(1u, 2u, 4u, 8u);
        return Vector128.Equals(Vector128.Create(bits) & lanes, lanes).AsSingle() & Vector128<float>.One;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke256(uint bits)
    {
        Vector256<uint> lanes = Vector256.Create(1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u);
        return Vector256.Equals(Vector256.Create(bits) & lanes, lanes).AsSingle() & Vector256<float>.One;
    }
}

/// <summary>
/// x · 0: 0 for a finite x, NaN for ±∞ and NaN. A sum of these is 0 exactly when every term is finite (it cannot
/// overflow), which makes the finiteness check a plain vector reduction with no compare per element.
/// </summary>
internal readonly struct TimesZeroOperator : IUnaryOperator
{
    public static bool Vectorizable => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Invoke(float x) => x * 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Invoke(Vector128<float> x) => x * Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Invoke(Vector256<float> x) => x * Vector256<float>.Zero;
}
