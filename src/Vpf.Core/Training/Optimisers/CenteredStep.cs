using Vpf.Core.Model;
using Vpf.Kernels;

namespace Vpf.Core.Training.Optimisers;

/// <summary>
/// What an optimiser needs to step in centered coordinates within its one pass over each weight matrix (vpf-math.md §8):
/// the offsets a_l, and room for the bias shifts each W_l's step produces, a_l ΔW_l for the layer above and ΔW_l a_{l+1}
/// for its own. The caller subtracts the shifts from the stored biases after the step (<see cref="Centering.Step"/>).
/// </summary>
internal sealed class CenteredStep
{
    private readonly IReadOnlyList<float[]> _offsets;

    /// <summary>Wraps <paramref name="offsets"/> (live: moving them moves the next step's centering) and allocates the shifts.</summary>
    public CenteredStep(IReadOnlyList<float[]> offsets)
    {
        _offsets = offsets;
        ShiftFromBelow = offsets.Select(a => new float[a.Length]).ToArray();
        ShiftFromAbove = offsets.Select(a => new float[a.Length]).ToArray();
    }

    /// <summary>Per layer l, a_{l−1} ΔW_{l−1} of the last step (zero for the visible layer).</summary>
    public float[][] ShiftFromBelow { get; }

    /// <summary>Per layer l, ΔW_l a_{l+1} of the last step (zero for the top layer).</summary>
    public float[][] ShiftFromAbove { get; }

    /// <summary>The kernel's operands for W_<paramref name="layer"/> with the bias gradients of <paramref name="gradient"/>.</summary>
    public WeightCentering For(int layer, ParameterSet gradient) =>
        new(_offsets[layer], _offsets[layer + 1], gradient.Biases[layer], gradient.Biases[layer + 1], ShiftFromBelow[layer + 1], ShiftFromAbove[layer]);
}
