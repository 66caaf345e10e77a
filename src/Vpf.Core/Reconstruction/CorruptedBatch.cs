namespace Vpf.Core.Reconstruction;

/// <summary>
/// A batch of corrupted images next to the clean ones, all rows × <see cref="Dimension"/> row-major:
/// <see cref="Values"/> is what a reconstructor sees, <see cref="Known"/> says which values it may clamp, and
/// <see cref="Corrupted"/> marks the pixels that the corruption touched (the pixels the "corrupted only" metrics
/// average over).
/// </summary>
/// <remarks>
/// For <see cref="CorruptionKind.GaussianNoise"/> every value is known (but noisy) and corrupted.
/// For <see cref="CorruptionKind.PixelFlips"/> every pixel is known (but noisy) and <see cref="Corrupted"/> marks the
/// flipped ones. For <see cref="CorruptionKind.Occlusion"/> the hidden pixels are unknown, <see cref="Corrupted"/> is
/// exactly the complement of <see cref="Known"/>, and <see cref="Values"/> holds 0 at every hidden pixel (the image
/// "as it is", hidden region black).
/// </remarks>
public sealed class CorruptedBatch
{
    /// <summary>Wraps the arrays (they are used, not copied); all four must hold <paramref name="rows"/> × <paramref name="dimension"/> entries.</summary>
    /// <param name="kind">Flips or occlusion.</param>
    /// <param name="description">What was done.</param>
    /// <param name="rows">Number of images.</param>
    /// <param name="dimension">Pixels per image.</param>
    /// <param name="clean">The clean images.</param>
    /// <param name="values">The corrupted images.</param>
    /// <param name="known">Which values may be clamped.</param>
    /// <param name="corrupted">Which pixels the corruption touched.</param>
    /// <param name="firstRow">Global index of the first row in its data set (keys the random streams of sampling reconstructors).</param>
    /// <exception cref="ArgumentException">An array has the wrong length.</exception>
    public CorruptedBatch(CorruptionKind kind, string description, int rows, int dimension,
        float[] clean, float[] values, bool[] known, bool[] corrupted, long firstRow = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        FirstRow = firstRow;
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        long n = (long)rows * dimension;
        Check(clean.Length, n, nameof(clean));
        Check(values.Length, n, nameof(values));
        Check(known.Length, n, nameof(known));
        Check(corrupted.Length, n, nameof(corrupted));
        Kind = kind;
        Description = description;
        Rows = rows;
        Dimension = dimension;
        Clean = clean;
        Values = values;
        Known = known;
        Corrupted = corrupted;
    }

    /// <summary>Flips, Gaussian noise or occlusion.</summary>
    public CorruptionKind Kind { get; }

    /// <summary>What was done, e.g. "flip 10% of pixels" or "hide bottom half (14 of 28 rows)".</summary>
    public string Description { get; }

    /// <summary>Number of images.</summary>
    public int Rows { get; }

    /// <summary>Global index of the first row in the data set it came from.</summary>
    public long FirstRow { get; }

    /// <summary>Pixels per image.</summary>
    public int Dimension { get; }

    /// <summary>The clean images (0f/1f) or rows of real values.</summary>
    public float[] Clean { get; }

    /// <summary>The corrupted images as a reconstructor sees them (0f/1f or real values; 0 at hidden pixels).</summary>
    public float[] Values { get; }

    /// <summary>True where the value may be clamped: every pixel for flips, the visible part for occlusion.</summary>
    public bool[] Known { get; }

    /// <summary>True where the corruption changed or hid the pixel.</summary>
    public bool[] Corrupted { get; }

    /// <summary>Number of corrupted pixels in the batch.</summary>
    public long CorruptedCount
    {
        get
        {
            long count = 0;
            foreach (bool c in Corrupted) if (c) count++;
            return count;
        }
    }

    private static void Check(int length, long expected, string name)
    {
        if (length != expected)
            throw new ArgumentException($"Expected {expected} entries (rows × dimension); got {length}.", name);
    }
}
