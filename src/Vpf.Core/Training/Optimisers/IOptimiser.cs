using Vpf.Core.Model;

namespace Vpf.Core.Training.Optimisers;

/// <summary>Applies one descent step θ ← θ − (step from ∇K) to every parameter, elementwise.</summary>
/// <remarks>
/// Updates are elementwise functions of (θ_i, g_i, state_i), so a symmetric lateral gradient with zero diagonal keeps
/// symmetric lateral weights symmetric and their diagonal zero — the symmetry property holds after any number of steps.
/// </remarks>
internal interface IOptimiser
{
    /// <summary>Updates <paramref name="parameters"/> in place from <paramref name="gradient"/> (same architecture).</summary>
    /// <param name="parameters">θ, updated in place.</param>
    /// <param name="gradient">∇K at θ.</param>
    /// <param name="stepFactor">The step schedule's factor of this update: the step size is η × it (1 leaves η exactly as it is).</param>
    void Step(ParameterSet parameters, ParameterSet gradient, double stepFactor = 1);

    /// <summary>A deep copy of the optimiser's state after the last step.</summary>
    OptimiserState ExportState();

    /// <summary>Continues from <paramref name="state"/> (exported by an optimiser of the same kind).</summary>
    void ImportState(OptimiserState state);
}
