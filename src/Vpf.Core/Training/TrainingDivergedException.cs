namespace Vpf.Core.Training;

/// <summary>
/// Training met a non-finite objective, gradient or parameter. The model is left at its last good parameters
/// (those before the failing batch).
/// </summary>
public sealed class TrainingDivergedException : VpfException
{
    /// <summary>Creates the exception for batch <paramref name="batch"/> of epoch <paramref name="epoch"/>.</summary>
    public TrainingDivergedException(int epoch, int batch, string what)
        : base($"Training diverged at epoch {epoch}, batch {batch}: {what}. The model keeps its parameters from before this batch; " +
               "lower the learning rate, use Adam, or add weight decay.")
    {
        Epoch = epoch;
        Batch = batch;
    }

    /// <summary>1-based epoch of the failing batch.</summary>
    public int Epoch { get; }

    /// <summary>1-based batch within that epoch.</summary>
    public int Batch { get; }

    /// <summary>Set by <see cref="TrainingPlan"/>.Run: the machine at its last good parameters and the curve so far.</summary>
    public TrainingRunState? State { get; internal set; }
}
