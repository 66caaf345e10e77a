using System.Numerics;
using Vpf.Core.Model;

namespace Vpf.Core.Training.Optimisers;

/// <summary>Adam: m ← β₁m + (1−β₁)g, s ← β₂s + (1−β₂)g², θ ← θ − η m̂ / (√ŝ + ε) with bias-corrected m̂, ŝ.</summary>
internal sealed class Adam : IOptimiser
{
    private readonly OptimiserOptions _options;
    private ParameterSet? _first, _second;
    private long _step;

    /// <summary>Creates the optimiser.</summary>
    public Adam(OptimiserOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public void Step(ParameterSet parameters, ParameterSet gradient)
    {
        _first ??= new ParameterSet(parameters.Architecture);
        _second ??= new ParameterSet(parameters.Architecture);
        _step++;
        float b1 = _options.Beta1, b2 = _options.Beta2, eps = _options.Epsilon;
        // Bias corrections folded into the step size, as in the paper's efficient form.
        float eta = (float)(_options.LearningRate * Math.Sqrt(1 - Math.Pow(b2, _step)) / (1 - Math.Pow(b1, _step)));
        using var second = _second.Tensors.GetEnumerator();
        foreach (var (theta, g, m, decay) in OptimiserTensors.Zip(parameters, gradient, _first, _options.WeightDecay))
        {
            second.MoveNext();
            var s = second.Current;
            Update(theta, g, m, s, decay, b1, b2, eta, eps);
        }
    }

    /// <inheritdoc />
    public OptimiserState ExportState() =>
        new(OptimiserKind.Adam, _step, _first is null ? [] : [_first.Clone(), _second!.Clone()]);

    /// <inheritdoc />
    public void ImportState(OptimiserState state)
    {
        OptimiserStates.Check(state, OptimiserKind.Adam, 2);
        _step = state.Step;
        _first = state.Moments.Count == 0 ? null : state.Moments[0].Clone();
        _second = state.Moments.Count == 0 ? null : state.Moments[1].Clone();
    }

    /// <summary>The Adam update of one tensor, <see cref="Vector{T}"/>-wide with a scalar tail doing the same arithmetic.</summary>
    private static void Update(float[] theta, float[] g, float[] m, float[] s, float decay, float b1, float b2, float eta, float eps)
    {
        int i = 0;
        if (Vpf.Kernels.KernelSettings.VectorOfTEnabled)
        {
            var vb1 = new Vector<float>(b1); var vc1 = new Vector<float>(1 - b1);
            var vb2 = new Vector<float>(b2); var vc2 = new Vector<float>(1 - b2);
            var vDecay = new Vector<float>(decay); var vEta = new Vector<float>(eta); var vEps = new Vector<float>(eps);
            for (; i <= theta.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var t = new Vector<float>(theta, i);
                var gi = new Vector<float>(g, i) + vDecay * t;
                var mi = vb1 * new Vector<float>(m, i) + vc1 * gi;
                var si = vb2 * new Vector<float>(s, i) + vc2 * (gi * gi);
                mi.CopyTo(m, i);
                si.CopyTo(s, i);
                (t - vEta * mi / (Vector.SquareRoot(si) + vEps)).CopyTo(theta, i);
            }
        }
        for (; i < theta.Length; i++)
        {
            float gi = g[i] + decay * theta[i];
            m[i] = b1 * m[i] + (1 - b1) * gi;
            s[i] = b2 * s[i] + (1 - b2) * (gi * gi);
            theta[i] -= eta * m[i] / (MathF.Sqrt(s[i]) + eps);
        }
    }
}
