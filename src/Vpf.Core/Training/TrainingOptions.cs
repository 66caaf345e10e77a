using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// Options of the training loop shared by every objective: epochs, mini-batches, seed, optimiser, step schedule and centering. A new
/// instance holds the library's general defaults; a plan's default is its method's own
/// (<see cref="TrainingMethod.DefaultTraining"/>).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the data; ≥ 1 (an untrained machine is made by <see cref="Model.DeepBoltzmannMachine.CreateRandom"/>, not by training). Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Rows per mini-batch (the last batch of an epoch may be smaller). Default 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Seed of every random choice of training: shuffling and spike sampling.</summary>
    public int Seed { get; init; }

    /// <summary>Reshuffle the rows at the start of every epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// A batch whose objective exceeds this is treated as divergence. The kernels clamp fields to ±60 so that e^{±u/2}
    /// stays finite; a diverging model then shows up as flow terms near e^{30} per unit rather than as ∞, so K passing
    /// 1e10 (a healthy model has K of the order of its number of units) means training has left the range where K and
    /// its gradient mean anything. Default 1e10.
    /// </summary>
    public double DivergenceThreshold { get; init; } = 1e10;

    /// <summary>The optimiser. Default Adam with step 1e-3.</summary>
    public OptimiserOptions Optimiser { get; init; } = new();

    /// <summary>
    /// How the optimiser's step changes over the run (<see cref="OptimiserOptions.LearningRate"/> × a factor of the run's
    /// progress). Default <see cref="StepScheduleKind.Constant"/>: the step is the optimiser's throughout.
    /// </summary>
    public StepScheduleOptions StepSchedule { get; init; } = new();

    /// <summary>Centering (vpf-math.md §8): offsets and the centered coordinates the optimiser works in.</summary>
    public CenteringOptions Centering { get; init; } = new();

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range (the optimiser's as "Optimiser.LearningRate").</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new InvalidOptionsException(nameof(Epochs), $"must be ≥ 1; got {Epochs}.");
        if (BatchSize < 1) throw new InvalidOptionsException(nameof(BatchSize), $"must be ≥ 1; got {BatchSize}.");
        if (!(DivergenceThreshold > 0)) throw new InvalidOptionsException(nameof(DivergenceThreshold), $"must be > 0; got {DivergenceThreshold}.");
        if (Optimiser is null) throw new InvalidOptionsException(nameof(Optimiser), "must be set; got null.");
        try
        {
            Optimiser.Validate();
        }
        catch (InvalidOptionsException e)
        {
            throw e.Within(nameof(Optimiser));
        }
        if (StepSchedule is null) throw new InvalidOptionsException(nameof(StepSchedule), "must be set; got null.");
        try
        {
            StepSchedule.Validate();
        }
        catch (InvalidOptionsException e)
        {
            throw e.Within(nameof(StepSchedule));
        }
        if (Centering is null) throw new InvalidOptionsException(nameof(Centering), "must be set; got null.");
        try
        {
            Centering.Validate();
        }
        catch (InvalidOptionsException e)
        {
            throw e.Within(nameof(Centering));
        }
    }
}
