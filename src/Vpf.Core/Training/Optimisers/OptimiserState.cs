using Vpf.Core.Model;

namespace Vpf.Core.Training.Optimisers;

/// <summary>
/// Everything an optimiser carries between steps (step count and moment tensors), so that training can stop and
/// resume with the same result as an uninterrupted run.
/// </summary>
/// <param name="Kind">The optimiser the state belongs to.</param>
/// <param name="Step">Steps taken so far.</param>
/// <param name="Moments">Adam: first and second moments; SGD: the velocity. Empty before the first step.</param>
internal sealed record OptimiserState(OptimiserKind Kind, long Step, IReadOnlyList<ParameterSet> Moments);
