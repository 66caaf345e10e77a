using System.Runtime.CompilerServices;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// The quantities of unit k that one sweep over its neighbours j shares: its terms A_k, B_k and its rate μ_k with
/// ν_k = 1 − μ_k, broadcast once per call (T = double for the scalar tail, a vector of doubles for the vector body).
/// </summary>
internal readonly struct EdgeUnit<T>(T a, T b, T mu, T nu) where T : unmanaged
{
    public readonly T A = a, B = b, Mu = mu, Nu = nu;
}

/// <summary>
/// An accumulation over the edges (k, j) of one unit k: acc_j += f(μ_j, A_j, B_j, t_j, s_j; unit k), with t_j = e^{w_kj/2}
/// and s_j = e^{−w_kj/2}. The Reads… flags say which neighbour spans are operands, so the driver loads only those.
/// </summary>
/// <remarks>
/// The vector body, written once for every width, fuses the multiply-adds ν + μ·t; the scalar Invoke does not (it is the
/// tail of every width and the whole scalar path), so both keep the arithmetic the expected flow has always used and
/// differ from each other only by that rounding.
/// </remarks>
internal interface IEdgeOperator
{
    static abstract bool ReadsNeighbourRates { get; }
    static abstract bool ReadsNeighbourTerms { get; }
    static abstract bool ReadsHalfExponentials { get; }
    static abstract double Invoke(double muJ, double aJ, double bJ, double t, double s, in EdgeUnit<double> k);
    static abstract TVec Invoke<TLanes, TVec>(TVec muJ, TVec aJ, TVec bJ, TVec t, TVec s, in EdgeUnit<TVec> k)
        where TLanes : IDoubleLanes<TVec> where TVec : unmanaged;
}

/// <summary>The one edge term: μ (B t / (ν + μ t) − A s / (ν + μ s)), as one division.</summary>
internal static class EdgeTerm
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Invoke(double mu, double nu, double t, double s, double a, double b)
    {
        double f = nu + mu * t, g = nu + mu * s;
        return mu * (b * (t * g) - a * (s * f)) / (f * g);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TLanes, TVec>(TVec mu, TVec nu, TVec t, TVec s, TVec a, TVec b)
        where TLanes : IDoubleLanes<TVec> where TVec : unmanaged
    {
        TVec f = TLanes.FusedMultiplyAdd(mu, t, nu), g = TLanes.FusedMultiplyAdd(mu, s, nu);
        return TLanes.Divide(
            TLanes.Multiply(mu, TLanes.Subtract(TLanes.Multiply(b, TLanes.Multiply(t, g)), TLanes.Multiply(a, TLanes.Multiply(s, f)))),
            TLanes.Multiply(f, g));
    }
}

/// <summary>2 ∂/∂w_kj of unit k's own terms through neighbour j: μ_j (B_k t_j / (ν_j + μ_j t_j) − A_k s_j / (ν_j + μ_j s_j)).</summary>
internal readonly struct OwnEdgeOperator : IEdgeOperator
{
    public static bool ReadsNeighbourRates => true;
    public static bool ReadsNeighbourTerms => false;
    public static bool ReadsHalfExponentials => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Invoke(double muJ, double aJ, double bJ, double t, double s, in EdgeUnit<double> k)
        => EdgeTerm.Invoke(muJ, 1 - muJ, t, s, k.A, k.B);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TLanes, TVec>(TVec muJ, TVec aJ, TVec bJ, TVec t, TVec s, in EdgeUnit<TVec> k)
        where TLanes : IDoubleLanes<TVec> where TVec : unmanaged
        => EdgeTerm.Invoke<TLanes, TVec>(muJ, TLanes.Subtract(TLanes.Broadcast(1), muJ), t, s, k.A, k.B);
}

/// <summary>
/// <see cref="OwnEdgeOperator"/> for clamped neighbours (μ_j ∈ {0, 1}, so the ratio is μ_j): μ_j·D with D = B_k − A_k
/// passed as <see cref="EdgeUnit{T}.B"/>.
/// </summary>
internal readonly struct ClampedOwnEdgeOperator : IEdgeOperator
{
    public static bool ReadsNeighbourRates => true;
    public static bool ReadsNeighbourTerms => false;
    public static bool ReadsHalfExponentials => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Invoke(double muJ, double aJ, double bJ, double t, double s, in EdgeUnit<double> k) => muJ * k.B;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TLanes, TVec>(TVec muJ, TVec aJ, TVec bJ, TVec t, TVec s, in EdgeUnit<TVec> k)
        where TLanes : IDoubleLanes<TVec> where TVec : unmanaged
        => TLanes.Multiply(muJ, k.B);
}

/// <summary>2 ∂/∂w_kj of neighbour j's terms through unit k: μ_k (B_j t_j / (ν_k + μ_k t_j) − A_j s_j / (ν_k + μ_k s_j)).</summary>
internal readonly struct NeighbourEdgeOperator : IEdgeOperator
{
    public static bool ReadsNeighbourRates => false;
    public static bool ReadsNeighbourTerms => true;
    public static bool ReadsHalfExponentials => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Invoke(double muJ, double aJ, double bJ, double t, double s, in EdgeUnit<double> k)
        => EdgeTerm.Invoke(k.Mu, k.Nu, t, s, aJ, bJ);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TLanes, TVec>(TVec muJ, TVec aJ, TVec bJ, TVec t, TVec s, in EdgeUnit<TVec> k)
        where TLanes : IDoubleLanes<TVec> where TVec : unmanaged
        => EdgeTerm.Invoke<TLanes, TVec>(k.Mu, k.Nu, t, s, aJ, bJ);
}

/// <summary><see cref="NeighbourEdgeOperator"/> for an active clamped unit k (μ_k = 1, so the ratio is 1): B_j − A_j.</summary>
internal readonly struct ActiveNeighbourEdgeOperator : IEdgeOperator
{
    public static bool ReadsNeighbourRates => false;
    public static bool ReadsNeighbourTerms => true;
    public static bool ReadsHalfExponentials => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Invoke(double muJ, double aJ, double bJ, double t, double s, in EdgeUnit<double> k) => bJ - aJ;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TLanes, TVec>(TVec muJ, TVec aJ, TVec bJ, TVec t, TVec s, in EdgeUnit<TVec> k)
        where TLanes : IDoubleLanes<TVec> where TVec : unmanaged
        => TLanes.Subtract(bJ, aJ);
}

/// <summary><see cref="OwnEdgeOperator"/> plus <see cref="NeighbourEdgeOperator"/> in one sweep (neither endpoint clamped).</summary>
internal readonly struct BothEdgeOperator : IEdgeOperator
{
    public static bool ReadsNeighbourRates => true;
    public static bool ReadsNeighbourTerms => true;
    public static bool ReadsHalfExponentials => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Invoke(double muJ, double aJ, double bJ, double t, double s, in EdgeUnit<double> k)
        => OwnEdgeOperator.Invoke(muJ, aJ, bJ, t, s, k) + NeighbourEdgeOperator.Invoke(muJ, aJ, bJ, t, s, k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Invoke<TLanes, TVec>(TVec muJ, TVec aJ, TVec bJ, TVec t, TVec s, in EdgeUnit<TVec> k)
        where TLanes : IDoubleLanes<TVec> where TVec : unmanaged
        => TLanes.Add(OwnEdgeOperator.Invoke<TLanes, TVec>(muJ, aJ, bJ, t, s, k), NeighbourEdgeOperator.Invoke<TLanes, TVec>(muJ, aJ, bJ, t, s, k));
}
