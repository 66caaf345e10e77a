namespace Vpf.Core.Training;

/// <summary>
/// An objective whose <see cref="ITrainingObjective.Evaluate(Model.DeepBoltzmannMachine, ReadOnlySpan{float}, int, Model.ParameterSet, ulong)"/> changes state that later batches depend on (the
/// persistent chains of PCD and DBM-PCD). Evaluating held-out rows brackets the call with these, so that evaluation
/// never changes training.
/// </summary>
internal interface IStatefulObjective
{
    /// <summary>A copy of the state later batches depend on.</summary>
    object SaveState();

    /// <summary>Puts back a state returned by <see cref="SaveState"/>.</summary>
    void RestoreState(object state);
}
