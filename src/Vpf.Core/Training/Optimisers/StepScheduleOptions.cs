namespace Vpf.Core.Training.Optimisers;

/// <summary>How the optimiser's step size η changes over a run.</summary>
public enum StepScheduleKind
{
    /// <summary>η throughout: the default, and every result from before schedules existed.</summary>
    Constant = 0,

    /// <summary>η · (1 − (1 − f) p): a straight line from η at the start (p = 0) to f·η at the end (p = 1).</summary>
    Linear = 1,

    /// <summary>η · (f + (1 − f)(1 + cos πp)/2): half a cosine from η at the start to f·η at the end (Loshchilov &amp; Hutter's annealing without restarts).</summary>
    Cosine = 2,
}

/// <summary>What the run's progress p ∈ [0, 1] of a step schedule is measured in.</summary>
public enum StepScheduleClock
{
    /// <summary>
    /// Updates: the update t = 0 … T − 1 of a run of T = epochs × batches per epoch has p = t / T (with a batch count that
    /// differs between epochs, p = (e − 1 + b / B_e) / epochs for batch b of the B_e of epoch e). It depends on nothing
    /// but the options and the data, so a run is reproducible bit for bit and a resumed run continues the schedule
    /// where it stopped. The default.
    /// </summary>
    Updates = 0,

    /// <summary>
    /// The time budget (<see cref="TrainingPlan.TimeBudgetSeconds"/>): p = training seconds so far (held-out evaluation
    /// excluded) / budget, at most 1, so that the step has decayed when the budget is spent however many epochs that
    /// took. The steps then depend on the machine's speed and load: two runs of the same plan differ, and a resumed run
    /// is not an uninterrupted one bit for bit. Needs a time budget; not with data-parallel training (the processes'
    /// clocks would give them different steps).
    /// </summary>
    TimeBudget = 1,
}

/// <summary>
/// A step-size schedule: the optimiser's step of each update is <see cref="OptimiserOptions.LearningRate"/> times
/// <see cref="Factor"/> of the run's progress. A new instance is <see cref="StepScheduleKind.Constant"/>, which leaves every
/// step exactly as it was without a schedule.
/// </summary>
public sealed record StepScheduleOptions
{
    /// <summary>Default <see cref="FinalFraction"/>: the step falls by a factor of ten over the run.</summary>
    public const double DefaultFinalFraction = 0.1;

    /// <summary>The shape. Default <see cref="StepScheduleKind.Constant"/>.</summary>
    public StepScheduleKind Kind { get; init; } = StepScheduleKind.Constant;

    /// <summary>f: the step at the end of the run as a fraction of the initial step, in [0, 1] (ignored by <see cref="StepScheduleKind.Constant"/>). Default <see cref="DefaultFinalFraction"/>.</summary>
    public double FinalFraction { get; init; } = DefaultFinalFraction;

    /// <summary>What the progress is measured in. Default <see cref="StepScheduleClock.Updates"/> (reproducible).</summary>
    public StepScheduleClock Clock { get; init; } = StepScheduleClock.Updates;

    /// <summary>
    /// The factor of the step at progress <paramref name="progress"/> (clamped to [0, 1]): 1 for
    /// <see cref="StepScheduleKind.Constant"/>; 1 − (1 − f)p for <see cref="StepScheduleKind.Linear"/>;
    /// f + (1 − f)(1 + cos πp)/2 for <see cref="StepScheduleKind.Cosine"/>.
    /// </summary>
    public double Factor(double progress)
    {
        double p = Math.Clamp(progress, 0, 1), f = FinalFraction;
        return Kind switch
        {
            StepScheduleKind.Linear => 1 - (1 - f) * p,
            StepScheduleKind.Cosine => f + (1 - f) * (1 + Math.Cos(Math.PI * p)) / 2,
            _ => 1,
        };
    }

    /// <summary>
    /// The progress p of update <paramref name="batch"/> (from 0) of epoch <paramref name="epoch"/> (from 1) in a run of
    /// <paramref name="epochs"/> epochs of <paramref name="batches"/> batches, on the <see cref="StepScheduleClock.Updates"/> clock.
    /// </summary>
    internal static double UpdateProgress(int epoch, int batch, int batches, int epochs) =>
        ((epoch - 1) * (double)batches + batch) / (epochs * (double)batches);

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw new InvalidOptionsException(nameof(Kind), $"unknown schedule {(int)Kind}; expected Constant, Linear or Cosine.");
        if (!(FinalFraction >= 0 && FinalFraction <= 1))
            throw new InvalidOptionsException(nameof(FinalFraction), $"must be in [0, 1]; got {FinalFraction}.");
        if (!Enum.IsDefined(Clock)) throw new InvalidOptionsException(nameof(Clock), $"unknown clock {(int)Clock}; expected Updates or TimeBudget.");
    }
}
