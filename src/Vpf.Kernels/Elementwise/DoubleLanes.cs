using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// The double-precision arithmetic of one vector width, so that the expected-flow kernels (whose loops carry products,
/// reductions and several operands) are written once and specialised by the JIT per width. The scalar path of those
/// kernels is their own tail loop, not a lane type: it keeps its unfused multiply-add.
/// </summary>
internal unsafe interface IDoubleLanes<TVec> where TVec : unmanaged
{
    static abstract int Count { get; }
    static abstract TVec Load(double* p);
    static abstract void Store(TVec v, double* p);
    static abstract TVec Broadcast(double x);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    static abstract TVec Divide(TVec a, TVec b);
    static abstract TVec Negate(TVec a);

    /// <summary>a·b + c rounded once.</summary>
    static abstract TVec FusedMultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TVec Log(TVec x);
    static abstract TVec Exp(TVec x);

    /// <summary>Sum of the lanes.</summary>
    static abstract double Sum(TVec x);

    /// <summary>Loads 2·Count floats and widens them (exactly) to two vectors of doubles.</summary>
    static abstract void LoadWidened(float* p, out TVec lower, out TVec upper);

    static abstract TVec Abs(TVec x);
    static abstract TVec Max(TVec a, TVec b);

    /// <summary>Per lane: <paramref name="ifTrue"/> where <paramref name="condition"/> ≥ 0, else <paramref name="ifFalse"/>.</summary>
    static abstract TVec SelectNonNegative(TVec condition, TVec ifTrue, TVec ifFalse);

    /// <summary>Rounds both vectors to single precision and stores them as 2·Count consecutive floats.</summary>
    static abstract void StoreNarrowed(TVec lower, TVec upper, float* p);
}

/// <summary>Four doubles per vector.</summary>
internal readonly unsafe struct DoubleLanes256 : IDoubleLanes<Vector256<double>>
{
    public static int Count => Vector256<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Load(double* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<double> v, double* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Broadcast(double x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Add(Vector256<double> a, Vector256<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Subtract(Vector256<double> a, Vector256<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Multiply(Vector256<double> a, Vector256<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Divide(Vector256<double> a, Vector256<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Negate(Vector256<double> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> FusedMultiplyAdd(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Log(Vector256<double> x) => Vector256.Log(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Exp(Vector256<double> x) => Vector256.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vector256<double> x) => Vector256.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadWidened(float* p, out Vector256<double> lower, out Vector256<double> upper)
        => (lower, upper) = Vector256.Widen(Vector256.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Abs(Vector256<double> x) => Vector256.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<double> Max(Vector256<double> a, Vector256<double> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SelectNonNegative(Vector256<double> condition, Vector256<double> ifTrue, Vector256<double> ifFalse)
        => Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(condition, Vector256<double>.Zero), ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(Vector256<double> lower, Vector256<double> upper, float* p) => Vector256.Narrow(lower, upper).Store(p);
}

/// <summary>Two doubles per vector.</summary>
internal readonly unsafe struct DoubleLanes128 : IDoubleLanes<Vector128<double>>
{
    public static int Count => Vector128<double>.Count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Load(double* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector128<double> v, double* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Broadcast(double x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Add(Vector128<double> a, Vector128<double> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Subtract(Vector128<double> a, Vector128<double> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Multiply(Vector128<double> a, Vector128<double> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Divide(Vector128<double> a, Vector128<double> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Negate(Vector128<double> a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> FusedMultiplyAdd(Vector128<double> a, Vector128<double> b, Vector128<double> c) => Vector128.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Log(Vector128<double> x) => Vector128.Log(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Exp(Vector128<double> x) => Vector128.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static double Sum(Vector128<double> x) => Vector128.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadWidened(float* p, out Vector128<double> lower, out Vector128<double> upper)
        => (lower, upper) = Vector128.Widen(Vector128.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Abs(Vector128<double> x) => Vector128.Abs(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<double> Max(Vector128<double> a, Vector128<double> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> SelectNonNegative(Vector128<double> condition, Vector128<double> ifTrue, Vector128<double> ifFalse)
        => Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(condition, Vector128<double>.Zero), ifTrue, ifFalse);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreNarrowed(Vector128<double> lower, Vector128<double> upper, float* p) => Vector128.Narrow(lower, upper).Store(p);
}
