namespace Vpf.Core.Training.Optimisers;

/// <summary>Checks an imported optimiser state before it replaces the current one.</summary>
internal static class OptimiserStates
{
    public static void Check(OptimiserState state, OptimiserKind kind, int moments)
    {
        if (state.Kind != kind)
            throw new InvalidOptionsException("optimiser", $"the saved state belongs to {state.Kind}, but the optimiser is {kind}.");
        if (state.Step < 0 || (state.Moments.Count != 0 && state.Moments.Count != moments))
            throw new InvalidOptionsException("optimiser", $"a {kind} state has {moments} moment tensors and a step ≥ 0; got {state.Moments.Count} and step {state.Step}.");
    }
}
