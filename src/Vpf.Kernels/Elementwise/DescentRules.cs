using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Vpf.Kernels.Elementwise;

/// <summary>
/// One descent rule applied to element i of a parameter tensor: reads and writes the rule's own state at i and returns
/// θ's new value. An instance carries the state pointers and the coefficients broadcast once per call, so that one
/// driver (<see cref="CenteredWeightStep"/>) can walk a weight matrix for any rule.
/// </summary>
internal interface IDescentRule
{
    float Step(float theta, float g, nint i);

    Vector128<float> Step(Vector128<float> theta, Vector128<float> g, nint i);

    Vector256<float> Step(Vector256<float> theta, Vector256<float> g, nint i);
}

/// <summary>Adam on the moments m, s (see <see cref="AdamOperator"/>, whose arithmetic it uses unchanged).</summary>
internal readonly unsafe struct AdamRule : IDescentRule
{
    private readonly float* _first, _second;
    private readonly AdamCoefficients<float> _c;
    private readonly AdamCoefficients<Vector128<float>> _c128;
    private readonly AdamCoefficients<Vector256<float>> _c256;

    /// <summary>Adam on the moments at <paramref name="first"/>, <paramref name="second"/> with step size η (bias corrections folded in).</summary>
    public AdamRule(float* first, float* second, float decay, float beta1, float beta2, float eta, float epsilon)
    {
        _first = first;
        _second = second;
        float c1 = 1 - beta1, c2 = 1 - beta2;
        _c = new(decay, beta1, c1, beta2, c2, eta, epsilon);
        _c128 = new(Vector128.Create(decay), Vector128.Create(beta1), Vector128.Create(c1), Vector128.Create(beta2), Vector128.Create(c2),
            Vector128.Create(eta), Vector128.Create(epsilon));
        _c256 = new(Vector256.Create(decay), Vector256.Create(beta1), Vector256.Create(c1), Vector256.Create(beta2), Vector256.Create(c2),
            Vector256.Create(eta), Vector256.Create(epsilon));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Step(float theta, float g, nint i)
    {
        AdamOperator.Invoke(ref theta, ref _first[i], ref _second[i], g, _c);
        return theta;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Step(Vector128<float> theta, Vector128<float> g, nint i)
    {
        Vector128<float> m = Vector128.Load(_first + i), s = Vector128.Load(_second + i);
        AdamOperator.Invoke(ref theta, ref m, ref s, g, _c128);
        m.Store(_first + i);
        s.Store(_second + i);
        return theta;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Step(Vector256<float> theta, Vector256<float> g, nint i)
    {
        Vector256<float> m = Vector256.Load(_first + i), s = Vector256.Load(_second + i);
        AdamOperator.Invoke(ref theta, ref m, ref s, g, _c256);
        m.Store(_first + i);
        s.Store(_second + i);
        return theta;
    }
}

/// <summary>
/// SGD with heavy-ball momentum on the velocity v: v ← μv + g + λθ, θ ← θ − ηv, multiplied and added separately in
/// that order on every width (no fused multiply-add), as the optimiser's plain loop rounds it.
/// </summary>
internal readonly unsafe struct MomentumRule : IDescentRule
{
    private readonly float* _velocity;
    private readonly float _decay, _momentum, _eta;
    private readonly Vector128<float> _decay128, _momentum128, _eta128;
    private readonly Vector256<float> _decay256, _momentum256, _eta256;

    /// <summary>Momentum μ on the velocity at <paramref name="velocity"/>, weight decay λ, step size η.</summary>
    public MomentumRule(float* velocity, float decay, float momentum, float eta)
    {
        _velocity = velocity;
        (_decay, _momentum, _eta) = (decay, momentum, eta);
        (_decay128, _momentum128, _eta128) = (Vector128.Create(decay), Vector128.Create(momentum), Vector128.Create(eta));
        (_decay256, _momentum256, _eta256) = (Vector256.Create(decay), Vector256.Create(momentum), Vector256.Create(eta));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Step(float theta, float g, nint i)
    {
        float v = _momentum * _velocity[i] + g + _decay * theta;
        _velocity[i] = v;
        return theta - _eta * v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<float> Step(Vector128<float> theta, Vector128<float> g, nint i)
    {
        Vector128<float> v = _momentum128 * Vector128.Load(_velocity + i) + g + _decay128 * theta;
        v.Store(_velocity + i);
        return theta - _eta128 * v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Step(Vector256<float> theta, Vector256<float> g, nint i)
    {
        Vector256<float> v = _momentum256 * Vector256.Load(_velocity + i) + g + _decay256 * theta;
        v.Store(_velocity + i);
        return theta - _eta256 * v;
    }
}
