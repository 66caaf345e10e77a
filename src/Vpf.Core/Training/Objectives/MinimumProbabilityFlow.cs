using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// Minimum Probability Flow for a fully visible Boltzmann machine (vpf-math.md §2):
/// K = mean over the batch of Σ_k exp(½ (1 − 2x_k) u_k(x)), no partition function and no sampling.
/// It is the flow gradient on the data states themselves.
/// </summary>
internal sealed class MinimumProbabilityFlow : ITrainingObjective
{
    private FlowGradient? _gradient;
    private readonly float[][] _states = new float[1][];

    /// <inheritdoc />
    public void Validate(Architecture architecture)
    {
        if (architecture.LayerCount != 1)
            throw new InvalidOptionsException("layers", $"MPF trains fully visible machines (one layer); {architecture} has hidden layers — use VPF or MPF-RBM.");
        GaussianVisible.Refuse(architecture, "MPF");
    }

    /// <inheritdoc />
    public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey)
    {
        Validate(model.Architecture);
        int n = model.LayerSize(0);
        if (visible.Length < rows * n)
            throw new ArgumentException($"Expected {rows} rows of {n} units ({rows * n} values); got {visible.Length}.", nameof(visible));
        if (_gradient is null || _gradient.MaxRows < rows || _states[0] is null || _states[0].Length < rows * n)
        {
            _gradient = new FlowGradient(model, rows);
            _states[0] = new float[rows * n];
        }
        visible[..(rows * n)].CopyTo(_states[0]);
        return _gradient.Compute(_states, rows, gradient);
    }
}
