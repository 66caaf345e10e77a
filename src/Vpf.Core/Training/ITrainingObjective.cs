using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// A training objective evaluated on one mini-batch of visible vectors: its value and the direction of descent for
/// every parameter. VPF, MPF and MPF-RBM implement it with the flow objective K and its exact gradient; baselines
/// such as contrastive divergence put their own monitored value in <see cref="FlowEvaluation.K"/> and their
/// (approximate) negative log-likelihood gradient in the gradient. The trainer and the optimisers only see this.
/// </summary>
public interface ITrainingObjective
{
    /// <summary>
    /// Evaluates the objective on the first <paramref name="rows"/> rows of <paramref name="visible"/> (rows × n_0 of 0/1)
    /// and overwrites <paramref name="gradient"/> with ∂K/∂θ. Random choices use only <paramref name="randomKey"/>.
    /// </summary>
    FlowEvaluation Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey);

    /// <summary>Throws <see cref="InvalidOptionsException"/> if the objective cannot train this architecture.</summary>
    void Validate(Architecture architecture);
}
