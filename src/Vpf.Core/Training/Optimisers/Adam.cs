using Vpf.Core.Model;
using Vpf.Kernels;

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
    public void Step(ParameterSet parameters, ParameterSet gradient, double stepFactor = 1) => Step(parameters, gradient, stepFactor, null);

    /// <inheritdoc />
    public void Step(ParameterSet parameters, ParameterSet gradient, double stepFactor, CenteredStep? centered)
    {
        _first ??= new ParameterSet(parameters.Architecture);
        _second ??= new ParameterSet(parameters.Architecture);
        _step++;
        float b1 = _options.Beta1, b2 = _options.Beta2, eps = _options.Epsilon;
        // Bias corrections folded into the step size, as in the paper's efficient form.
        float eta = (float)(_options.LearningRate * stepFactor * Math.Sqrt(1 - Math.Pow(b2, _step)) / (1 - Math.Pow(b1, _step)));
        using var second = _second.Tensors.GetEnumerator();
        int tensor = 0;
        foreach (var (theta, g, m, decay) in OptimiserTensors.Zip(parameters, gradient, _first, _options.WeightDecay))
        {
            second.MoveNext();
            var s = second.Current;
            if (centered is not null && tensor < parameters.Weights.Length)
                CenteredWeightStep.Adam(theta, g, m, s, centered.For(tensor, gradient), decay, b1, b2, eta, eps);
            else AdamUpdate.Step(theta, g, m, s, decay, b1, b2, eta, eps);
            tensor++;
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
}
