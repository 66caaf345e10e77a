using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// A training objective evaluated on one mini-batch of visible vectors: its value and the direction of descent for
/// every parameter. VPF, MPF and MPF-RBM implement it with the flow objective K and its exact gradient; baselines
/// such as contrastive divergence put their own monitored value in <see cref="ObjectiveValue.Value"/> and their
/// (approximate) negative log-likelihood gradient in the gradient. The trainer and the optimisers only see this.
/// </summary>
internal interface ITrainingObjective
{
    /// <summary>
    /// Evaluates the objective on the first <paramref name="rows"/> rows of <paramref name="visible"/> (rows × n_0 of 0/1)
    /// and overwrites <paramref name="gradient"/> with the objective's descent direction (∂K/∂θ for a flow). Random choices use only <paramref name="randomKey"/>.
    /// </summary>
    ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey);

    /// <summary>
    /// As <see cref="Evaluate(DeepBoltzmannMachine, ReadOnlySpan{float}, int, ParameterSet, ulong)"/> for rows that are
    /// the part <paramref name="shard"/> of a larger mini-batch (data-parallel training). An objective that samples
    /// keys its random numbers by the row's index in the whole mini-batch, so that the shards of all processes draw
    /// what one process would draw for the whole batch; the value and gradient are still means over the given rows.
    /// The default ignores <paramref name="shard"/>, which is exact for objectives that draw nothing per row.
    /// </summary>
    ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey, BatchShard shard) =>
        Evaluate(model, visible, rows, gradient, randomKey);

    /// <summary>Throws <see cref="InvalidOptionsException"/> if the objective cannot train this architecture.</summary>
    void Validate(Architecture architecture);
}
