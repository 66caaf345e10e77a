namespace Vpf.Core.Evaluation;

/// <summary>
/// The inverse temperatures 0 = β_0 &lt; β_1 &lt; … &lt; β_K = 1 of annealed importance sampling. <see cref="Temperatures"/>
/// is K, the number of intermediate distributions after the base (and the number of weight increments per run).
/// </summary>
public sealed class AisSchedule
{
    private readonly double[] _betas;

    private AisSchedule(double[] betas) => _betas = betas;

    /// <summary>
    /// Salakhutdinov &amp; Murray (2008): 500 steps up to β = 0.5, 4,000 up to 0.9, 10,000 up to 1 — 14,500 temperatures.
    /// </summary>
    public static AisSchedule Default { get; } = Piecewise((0.5, 500), (0.9, 4000), (1.0, 10000));

    /// <summary><paramref name="temperatures"/> equal steps from 0 to 1.</summary>
    public static AisSchedule Uniform(int temperatures) => Piecewise((1.0, temperatures));

    /// <summary>
    /// Segments of equal steps: segment i takes <c>Steps</c> equal steps from the previous segment's end (0 for the first)
    /// up to <c>End</c>; the last end must be 1.
    /// </summary>
    /// <exception cref="InvalidOptionsException">No segments, a step count below 1, ends not increasing, or a last end other than 1.</exception>
    public static AisSchedule Piecewise(params (double End, int Steps)[] segments)
    {
        if (segments.Length == 0) throw new InvalidOptionsException("schedule", "needs at least one segment.");
        var betas = new List<double> { 0.0 };
        double start = 0;
        foreach (var (end, steps) in segments)
        {
            if (steps < 1) throw new InvalidOptionsException("schedule", $"every segment needs ≥ 1 step; got {steps}.");
            if (!(end > start && end <= 1)) throw new InvalidOptionsException("schedule", $"segment ends must increase within (0, 1]; got {end} after {start}.");
            for (int i = 1; i <= steps; i++) betas.Add(i == steps ? end : start + (end - start) * i / steps);
            start = end;
        }
        if (start != 1.0) throw new InvalidOptionsException("schedule", $"the last segment must end at β = 1; it ends at {start}.");
        return new AisSchedule(betas.ToArray());
    }

    /// <summary>An explicit list β_0 … β_K: it must start at 0, end at 1 and increase strictly.</summary>
    public static AisSchedule FromBetas(IReadOnlyList<double> betas)
    {
        if (betas.Count < 2 || betas[0] != 0.0 || betas[^1] != 1.0)
            throw new InvalidOptionsException("schedule", "the inverse temperatures must start at 0 and end at 1.");
        for (int k = 1; k < betas.Count; k++)
            if (!(betas[k] > betas[k - 1])) throw new InvalidOptionsException("schedule", $"β must increase strictly; β_{k} = {betas[k]} follows {betas[k - 1]}.");
        return new AisSchedule(betas.ToArray());
    }

    /// <summary>β_0 = 0 … β_K = 1.</summary>
    public IReadOnlyList<double> Betas => _betas;

    /// <summary>K: the number of temperatures after the base distribution.</summary>
    public int Temperatures => _betas.Length - 1;
}

/// <summary>Settings of <see cref="AnnealedImportanceSampling"/>; the defaults are those of Salakhutdinov &amp; Murray (2008).</summary>
public sealed class AisOptions
{
    /// <summary>Independent AIS runs (importance weights), all advanced together as one batch. Default 100.</summary>
    public int Runs { get; init; } = 100;

    /// <summary>The temperature schedule. Default <see cref="AisSchedule.Default"/> (14,500 temperatures).</summary>
    public AisSchedule Schedule { get; init; } = AisSchedule.Default;

    /// <summary>Seed of every random choice: the same seed gives the same estimate.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Per-pixel data marginals p_i for the base-rate model (its visible biases are log(p_i / (1 − p_i)), p clipped to
    /// [<see cref="MarginalEpsilon"/>, 1 − ε]); null gives the uniform base (zero biases). A base close to the data makes
    /// the first temperatures cheap and the estimate less variable. Binary visible units only.
    /// </summary>
    public IReadOnlyList<double>? DataMarginals { get; init; }

    /// <summary>
    /// For Gaussian visible units: the mean a of the base model's visible layer, N(a, I) (null: 0, the mean of standardised
    /// data). The training column means put the base where the data are. Refused for binary visible units.
    /// </summary>
    public IReadOnlyList<double>? VisibleBaseMeans { get; init; }

    /// <summary>The clipping ε of <see cref="DataMarginals"/>. Default 10⁻³.</summary>
    public double MarginalEpsilon { get; init; } = 1e-3;
}

/// <summary>
/// An AIS estimate of log Z: the log of the mean importance weight, and log(mean ∓ 3·std/√runs) of the weights
/// (<see cref="LogZLower"/> is −∞ when mean − 3·std/√runs ≤ 0).
/// </summary>
/// <param name="LogZ">Estimated log Z.</param>
/// <param name="LogZLower">log(mean − 3σ/√runs) of the importance weights.</param>
/// <param name="LogZUpper">log(mean + 3σ/√runs) of the importance weights.</param>
/// <param name="Runs">Number of runs.</param>
/// <param name="Temperatures">Number of temperatures K.</param>
public sealed record AisEstimate(double LogZ, double LogZLower, double LogZUpper, int Runs, int Temperatures);
