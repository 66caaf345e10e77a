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

    /// <summary>
    /// As <see cref="Step(ParameterSet, ParameterSet, double)"/> in centered coordinates (vpf-math.md §8): the gradient of
    /// each weight matrix W_l, that of the stored parameters in <paramref name="gradient"/>, is centered element by
    /// element during the step's one pass over W_l, and the step's bias shifts are written to <paramref name="centered"/>.
    /// Biases and lateral weights step on <paramref name="gradient"/> as it is (lateral gradients centered by the caller).
    /// </summary>
    void Step(ParameterSet parameters, ParameterSet gradient, double stepFactor, CenteredStep centered);

    /// <summary>A deep copy of the optimiser's state after the last step.</summary>
    OptimiserState ExportState();

    /// <summary>Continues from <paramref name="state"/> (exported by an optimiser of the same kind).</summary>
    void ImportState(OptimiserState state);
}
