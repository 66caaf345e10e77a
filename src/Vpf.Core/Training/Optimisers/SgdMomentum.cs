using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training.Optimisers;

/// <summary>SGD with heavy-ball momentum: v ← μ v + (g + λθ), θ ← θ − η v.</summary>
internal sealed class SgdMomentum : IOptimiser
{
    private readonly OptimiserOptions _options;
    private ParameterSet? _velocity;
    private long _step;

    /// <summary>Creates the optimiser.</summary>
    public SgdMomentum(OptimiserOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public void Step(ParameterSet parameters, ParameterSet gradient, double stepFactor = 1) => Step(parameters, gradient, stepFactor, null);

    /// <inheritdoc />
    public void Step(ParameterSet parameters, ParameterSet gradient, double stepFactor, CenteredStep? centered)
    {
        _velocity ??= new ParameterSet(parameters.Architecture);
        _step++;
        // A factor of 1 gives η exactly (the product is exact), so unscheduled runs are unchanged bit for bit.
        float eta = (float)(_options.LearningRate * stepFactor), mu = _options.Momentum;
        int tensor = 0;
        foreach (var (theta, g, v, decay) in OptimiserTensors.Zip(parameters, gradient, _velocity, _options.WeightDecay))
        {
            if (centered is not null && tensor < parameters.Weights.Length)
                CenteredWeightStep.Momentum(theta, g, v, centered.For(tensor, gradient), decay, mu, eta);
            else MomentumUpdate.Step(theta, g, v, decay, mu, eta);
            tensor++;
        }
    }

    /// <inheritdoc />
    public OptimiserState ExportState() =>
        new(OptimiserKind.SgdMomentum, _step, _velocity is null ? [] : [_velocity.Clone()]);

    /// <inheritdoc />
    public void ImportState(OptimiserState state)
    {
        OptimiserStates.Check(state, OptimiserKind.SgdMomentum, 1);
        _step = state.Step;
        _velocity = state.Moments.Count == 0 ? null : state.Moments[0].Clone();
    }
}
