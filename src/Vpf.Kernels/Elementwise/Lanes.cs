using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// The arithmetic of one vector width, so that a kernel whose loops are too long for an element-wise operator struct is
/// written once and specialised by the JIT per width (256, 128 bits, and the scalar path as a "vector" of one lane).
/// </summary>
internal unsafe interface ILanes<TVec> where TVec : unmanaged
{
    static abstract int Count { get; }
    static abstract TVec Load(float* p);
    static abstract void Store(TVec v, float* p);
    static abstract TVec Broadcast(float x);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);
    static abstract TVec Exp(TVec x);

    /// <summary>
    /// Splits positive normal lanes p = m·2^e into m ∈ [1, 2) (returned) and adds e to <paramref name="exponents"/>:
    /// an exact rescaling that keeps long products inside the float range.
    /// </summary>
    static abstract TVec Normalise(TVec p, ref TVec exponents);

    /// <summary>Σ over lanes of ln m + e·ln 2 for mantissas m ∈ [1, 2): one logarithm in double for all lanes.</summary>
    static abstract double LogOfProduct(TVec mantissas, TVec exponents);
}

/// <summary>256-bit lanes.</summary>
internal readonly unsafe struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Exp(Vector256<float> x) => Vector256.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Normalise(Vector256<float> p, ref Vector256<float> exponents)
    {
        Vector256<int> bits = p.AsInt32();
        exponents += Vector256.ConvertToSingle(Vector256.ShiftRightLogical(bits, 23) - Vector256.Create(127));
        return ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
    }

    public static double LogOfProduct(Vector256<float> mantissas, Vector256<float> exponents)
    {
        double product = 1, sum = 0;
        for (int i = 0; i < Vector256<float>.Count; i++)
        {
            product *= mantissas.GetElement(i);
            sum += exponents.GetElement(i);
        }
        return Math.Log(product) + sum * Math.Log(2);
    }
}

/// <summary>128-bit lanes.</summary>
internal readonly unsafe struct Lanes128 : ILanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Load(float* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Exp(Vector128<float> x) => Vector128.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Normalise(Vector128<float> p, ref Vector128<float> exponents)
    {
        Vector128<int> bits = p.AsInt32();
        exponents += Vector128.ConvertToSingle(Vector128.ShiftRightLogical(bits, 23) - Vector128.Create(127));
        return ((bits & Vector128.Create(0x007FFFFF)) | Vector128.Create(0x3F800000)).AsSingle();
    }

    public static double LogOfProduct(Vector128<float> mantissas, Vector128<float> exponents)
    {
        double product = 1, sum = 0;
        for (int i = 0; i < Vector128<float>.Count; i++)
        {
            product *= mantissas.GetElement(i);
            sum += exponents.GetElement(i);
        }
        return Math.Log(product) + sum * Math.Log(2);
    }
}

/// <summary>The scalar path: one lane.</summary>
internal readonly unsafe struct Lanes1 : ILanes<float>
{
    public static int Count => 1;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Load(float* p) => *p;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(float v, float* p) => *p = v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Broadcast(float x) => x;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Add(float a, float b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Multiply(float a, float b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Divide(float a, float b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Exp(float x) => MathF.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Normalise(float p, ref float exponents)
    {
        int bits = BitConverter.SingleToInt32Bits(p);
        exponents += (bits >>> 23) - 127;
        return BitConverter.Int32BitsToSingle((bits & 0x007FFFFF) | 0x3F800000);
    }

    public static double LogOfProduct(float mantissas, float exponents) => Math.Log(mantissas) + exponents * Math.Log(2);
}
