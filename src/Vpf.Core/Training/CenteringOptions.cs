namespace Vpf.Core.Training;

/// <summary>
/// Centering (vpf-math.md §8): every unit gets an offset, its mean activity, and the optimiser works in the coordinates
/// of the energy written in x − a. The stored model stays the equivalent uncentered machine, so everything that reads
/// models is unaffected; only the path the optimiser takes changes (and, with it, the model it reaches).
/// </summary>
public sealed record CenteringOptions
{
    /// <summary>
    /// Train in centered coordinates. Default true: centered training reached the better likelihood for every method
    /// measured on Fashion-MNIST (docs/results.md), and every method's <see cref="TrainingMethod.DefaultTraining"/> is centered.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// ν of the hidden offsets' running mean a_l ← (1 − ν) a_l + ν · mean_batch μ_l, in [0, 1]; 0 keeps them at
    /// <see cref="InitialHiddenOffset"/>. Default 0.05.
    /// </summary>
    public float HiddenOffsetRate { get; init; } = 0.05f;

    /// <summary>Starting value of every hidden offset, in [0, 1]. Default 0.5 (the mean of a unit that knows nothing yet).</summary>
    public float InitialHiddenOffset { get; init; } = 0.5f;

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        if (!(HiddenOffsetRate >= 0 && HiddenOffsetRate <= 1))
            throw new InvalidOptionsException(nameof(HiddenOffsetRate), $"must be in [0, 1]; got {HiddenOffsetRate}.");
        if (!(InitialHiddenOffset >= 0 && InitialHiddenOffset <= 1))
            throw new InvalidOptionsException(nameof(InitialHiddenOffset), $"must be in [0, 1]; got {InitialHiddenOffset}.");
    }
}
