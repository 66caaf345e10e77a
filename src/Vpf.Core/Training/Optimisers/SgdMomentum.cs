using Vpf.Core.Model;

namespace Vpf.Core.Training.Optimisers;

/// <summary>SGD with heavy-ball momentum: v ← μ v + (g + λθ), θ ← θ − η v.</summary>
public sealed class SgdMomentum : IOptimiser
{
    private readonly OptimiserOptions _options;
    private ParameterSet? _velocity;

    /// <summary>Creates the optimiser.</summary>
    public SgdMomentum(OptimiserOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public void Step(ParameterSet parameters, ParameterSet gradient)
    {
        _velocity ??= new ParameterSet(parameters.Architecture);
        float eta = _options.LearningRate, mu = _options.Momentum;
        foreach (var (theta, g, v, decay) in OptimiserTensors.Zip(parameters, gradient, _velocity, _options.WeightDecay))
            for (int i = 0; i < theta.Length; i++)
            {
                v[i] = mu * v[i] + g[i] + decay * theta[i];
                theta[i] -= eta * v[i];
            }
    }
}
