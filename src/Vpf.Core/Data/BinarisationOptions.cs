namespace Vpf.Core.Data;

/// <summary>
/// The binarisation rule applied when intensities are loaded: a fixed threshold (the default) or a
/// single seeded stochastic draw. Intensities are bytes, so the maximum intensity is 255.
/// </summary>
public sealed class BinarisationOptions
{
    private BinarisationOptions(Binarisation mode, double thresholdFraction, ulong seed)
    {
        Mode = mode;
        ThresholdFraction = thresholdFraction;
        Seed = seed;
    }

    /// <summary>Threshold at half the maximum intensity: bytes 128…255 become 1, bytes 0…127 become 0.</summary>
    public static BinarisationOptions Default { get; } = Threshold();

    /// <summary>The rule.</summary>
    public Binarisation Mode { get; }

    /// <summary>
    /// For <see cref="Binarisation.Threshold"/>: a pixel is 1 when intensity / 255 ≥ this fraction of the
    /// maximum (inclusive, so that 0.5 splits the 256 byte values into two equal halves at 128).
    /// </summary>
    public double ThresholdFraction { get; }

    /// <summary>
    /// For <see cref="Binarisation.Stochastic"/>: the seed. Pixel (row r, column c) uses counter c of a
    /// stream keyed by (seed, r), so the outcome depends on nothing else (not on threads nor on load order).
    /// </summary>
    public ulong Seed { get; }

    /// <summary>Deterministic threshold rule: 1 when intensity / 255 ≥ <paramref name="fractionOfMaximum"/>.</summary>
    /// <exception cref="InvalidOptionsException"><paramref name="fractionOfMaximum"/> is not in [0, 1].</exception>
    public static BinarisationOptions Threshold(double fractionOfMaximum = 0.5)
    {
        if (!(fractionOfMaximum >= 0 && fractionOfMaximum <= 1)) // also rejects NaN
            throw new InvalidOptionsException(nameof(ThresholdFraction),
                $"must be a fraction of the maximum intensity in [0, 1]; got {fractionOfMaximum}.");
        return new BinarisationOptions(Binarisation.Threshold, fractionOfMaximum, 0);
    }

    /// <summary>Stochastic rule: 1 with probability intensity / 255, reproducible from <paramref name="seed"/>.</summary>
    public static BinarisationOptions Stochastic(ulong seed) => new(Binarisation.Stochastic, 0, seed);

    /// <inheritdoc />
    public override string ToString() => Mode == Binarisation.Threshold
        ? $"Threshold(intensity/255 >= {ThresholdFraction})"
        : $"Stochastic(seed {Seed})";
}
