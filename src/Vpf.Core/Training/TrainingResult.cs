using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>A finished <see cref="TrainingPlan"/> run.</summary>
/// <param name="Model">The trained machine.</param>
/// <param name="Curve">One point per epoch when a held-out set was given (including the epochs of a resumed run); empty otherwise.</param>
/// <param name="History">The trainer's summary of every epoch (its seconds include evaluation; see <see cref="Seconds"/>).</param>
/// <param name="Seconds">Training seconds, held-out evaluation and progress callbacks excluded (pretraining not included).</param>
/// <param name="Pretraining">The greedy pretraining's RBMs and histories; null when the plan has none or the run was resumed.</param>
/// <param name="PretrainingSeconds">Wall-clock seconds of the pretraining (0 without one).</param>
public sealed record TrainingResult(
    DeepBoltzmannMachine Model, IReadOnlyList<CurvePoint> Curve, IReadOnlyList<EpochSummary> History, double Seconds,
    PretrainingResult? Pretraining, double PretrainingSeconds);
