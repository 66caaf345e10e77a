using Vpf.Core.Model;

namespace Vpf.Core.Training.Optimisers;

/// <summary>
/// Walks parameters, gradient and one optimiser state tensor by tensor, with the weight decay that applies to each: the
/// weight matrices first in layer order (tensor l is W_l, which the centered step relies on), then biases, then laterals.
/// </summary>
internal static class OptimiserTensors
{
    public static IEnumerable<(float[] Theta, float[] Gradient, float[] State, float Decay)> Zip(
        ParameterSet parameters, ParameterSet gradient, ParameterSet state, float weightDecay)
    {
        for (int l = 0; l < parameters.Weights.Length; l++)
            yield return (parameters.Weights[l], gradient.Weights[l], state.Weights[l], weightDecay);
        for (int l = 0; l < parameters.Biases.Length; l++)
            yield return (parameters.Biases[l], gradient.Biases[l], state.Biases[l], 0f);
        for (int l = 0; l < parameters.Laterals.Length; l++)
            if (parameters.Laterals[l] is { } lat)
                yield return (lat, gradient.Laterals[l]!, state.Laterals[l]!, weightDecay);
    }
}
