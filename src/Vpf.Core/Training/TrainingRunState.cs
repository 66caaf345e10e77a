using Vpf.Core.Model;

namespace Vpf.Core.Training;

/// <summary>
/// Where a <see cref="TrainingPlan"/> run stands: the machine, the trainer's checkpoint, the held-out curve so far and
/// the seconds not counted as training. <see cref="TrainingPlan"/>.Run goes on from one; a cancelled or diverged run
/// attaches one to its exception so that the caller can save the machine (see <see cref="TrainingCanceledException.State"/>
/// and <see cref="TrainingDivergedException.State"/>).
/// </summary>
/// <param name="Model">The machine, with the parameters after the last finished batch (after a divergence: the last good ones).</param>
/// <param name="Checkpoint">Where training stopped; null before the first batch (a machine made by <see cref="TrainingPlan.CreateModel"/>) and after a divergence.</param>
/// <param name="Curve">The held-out curve of the finished epochs.</param>
/// <param name="ExcludedSeconds">Seconds spent in held-out evaluation and progress callbacks, which the trainer's clock counted but the curve does not.</param>
public sealed record TrainingRunState(DeepBoltzmannMachine Model, TrainingCheckpoint? Checkpoint, IReadOnlyList<CurvePoint> Curve, double ExcludedSeconds)
{
    /// <summary>A run that has not started: <paramref name="model"/> as initialised (and pretrained).</summary>
    public static TrainingRunState Start(DeepBoltzmannMachine model) => new(model, null, [], 0);
}
