using System.Globalization;
using Vpf.Core.Data;
using Vpf.Kernels;

namespace Vpf.Core.Reconstruction;

/// <summary>
/// A seeded, deterministic way of corrupting images or rows (vpf-math.md §7 and §9): flip a fraction of the pixels of binary
/// images, add Gaussian noise to real values, hide the bottom half, hide a random square, or hide a random fraction of the
/// values. Row r of a batch is corrupted by a random stream that depends only on the
/// seed and its global row index (<c>firstRow + r</c>), so the result does not depend on how a data set is cut into
/// batches, nor on thread count or machine.
/// </summary>
public abstract class Corruption
{
    private protected Corruption() { }

    /// <summary>Flips, Gaussian noise or occlusion.</summary>
    public abstract CorruptionKind Kind { get; }

    /// <summary>A short human-readable description, used as the row label of a report.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Flips exactly round(<paramref name="fraction"/> · d) pixels of every image (d pixels; halves round away from
    /// zero), chosen uniformly at random without replacement, independently per image.
    /// </summary>
    /// <param name="fraction">p in [0, 1].</param>
    /// <exception cref="InvalidOptionsException"><paramref name="fraction"/> is outside [0, 1].</exception>
    public static Corruption FlipPixels(double fraction) => new PixelFlips(fraction);

    /// <summary>
    /// Adds independent N(0, σ²) noise to every value (σ = <paramref name="standardDeviation"/>, on the scale of the values:
    /// standardised data for Gaussian visible units). Every value counts as corrupted.
    /// </summary>
    /// <exception cref="InvalidOptionsException"><paramref name="standardDeviation"/> is not finite and positive.</exception>
    public static Corruption AddGaussianNoise(double standardDeviation) => new GaussianNoise(standardDeviation);

    /// <summary>
    /// Hides exactly round(<paramref name="fraction"/> · d) values of every row (halves round away from zero), chosen
    /// uniformly at random without replacement, independently per row: occlusion for rows without an image shape.
    /// </summary>
    /// <exception cref="InvalidOptionsException"><paramref name="fraction"/> is outside [0, 1].</exception>
    public static Corruption HideFraction(double fraction) => new RandomValues(fraction);

    /// <summary>
    /// Hides the bottom half of every <paramref name="imageRows"/> × <paramref name="imageColumns"/> image: pixel rows
    /// ⌊imageRows / 2⌋ … imageRows − 1 (rows 14…27 of a 28 × 28 image; for an odd height the middle row is hidden).
    /// </summary>
    /// <exception cref="InvalidOptionsException">A side is below 2 rows or 1 column.</exception>
    public static Corruption HideBottomHalf(int imageRows, int imageColumns) => new BottomHalf(imageRows, imageColumns);

    /// <summary>Hides the bottom half of binary images shaped like <paramref name="data"/>.</summary>
    /// <exception cref="InvalidOptionsException">The data set has no image shape; use the overload that takes one.</exception>
    public static Corruption HideBottomHalf(BinaryDataset data) => HideBottomHalf((Dataset)data);

    /// <summary>Hides the bottom half of images shaped like <paramref name="data"/> (<see cref="Dataset.ImageRows"/> × <see cref="Dataset.ImageColumns"/>).</summary>
    /// <exception cref="InvalidOptionsException">The data set has no image shape; use the overload that takes one.</exception>
    public static Corruption HideBottomHalf(Dataset data)
    {
        RequireShape(data);
        return new BottomHalf(data.ImageRows, data.ImageColumns);
    }

    /// <summary>
    /// Hides a <paramref name="size"/> × <paramref name="size"/> square of every image, at a position drawn uniformly
    /// per image among the (imageRows − size + 1) · (imageColumns − size + 1) positions that fit inside it.
    /// </summary>
    /// <exception cref="InvalidOptionsException">The square is smaller than 1 or does not fit in the image.</exception>
    public static Corruption HideRandomSquare(int imageRows, int imageColumns, int size) => new RandomSquare(imageRows, imageColumns, size);

    /// <summary>Hides a random square of images shaped like <paramref name="data"/>.</summary>
    /// <exception cref="InvalidOptionsException">The data set has no image shape, or the square does not fit.</exception>
    public static Corruption HideRandomSquare(BinaryDataset data, int size) => HideRandomSquare((Dataset)data, size);

    /// <summary>Hides a random square of images (binary or real) shaped like <paramref name="data"/>.</summary>
    /// <exception cref="InvalidOptionsException">The data set has no image shape, or the square does not fit.</exception>
    public static Corruption HideRandomSquare(Dataset data, int size)
    {
        RequireShape(data);
        return new RandomSquare(data.ImageRows, data.ImageColumns, size);
    }

    /// <summary>
    /// Corrupts <paramref name="rows"/> clean images or rows (rows × <paramref name="dimension"/>: 0f/1f, or real values, copied).
    /// </summary>
    /// <param name="clean">The clean images.</param>
    /// <param name="rows">Number of images.</param>
    /// <param name="dimension">Pixels per image.</param>
    /// <param name="seed">Seed of every random choice.</param>
    /// <param name="firstRow">Global index of the first row, so that a data set corrupted batch by batch gets the same result as all at once.</param>
    /// <exception cref="ArgumentException">Sizes disagree with each other or with the image shape.</exception>
    public CorruptedBatch Apply(ReadOnlySpan<float> clean, int rows, int dimension, int seed, long firstRow = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        if (clean.Length != (long)rows * dimension)
            throw new ArgumentException($"Expected {rows} rows of {dimension} pixels ({(long)rows * dimension} values); got {clean.Length}.", nameof(clean));
        CheckDimension(dimension);
        var cleanCopy = clean.ToArray();
        var values = clean.ToArray();
        var known = new bool[values.Length];
        var corrupted = new bool[values.Length];
        for (int r = 0; r < rows; r++)
        {
            ulong key = CounterRandom.StreamKey((ulong)(uint)seed, (ulong)(firstRow + r), StreamSalt);
            int offset = r * dimension;
            CorruptRow(values.AsSpan(offset, dimension), known.AsSpan(offset, dimension), corrupted.AsSpan(offset, dimension), key);
        }
        return new CorruptedBatch(Kind, Description, rows, dimension, cleanCopy, values, known, corrupted, firstRow);
    }

    /// <summary>Corrupts rows [<paramref name="start"/>, start + <paramref name="count"/>) of <paramref name="data"/> (row indices are global: the same rows get the same corruption in any batching).</summary>
    public CorruptedBatch Apply(BinaryDataset data, int seed, int start, int count) => Apply((Dataset)data, seed, start, count);

    /// <summary>Corrupts rows [<paramref name="start"/>, start + <paramref name="count"/>) of binary or real rows (row indices are global).</summary>
    public CorruptedBatch Apply(Dataset data, int seed, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > data.Count)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Rows [{start}, {(long)start + count}) exceed the {data.Count} rows.");
        var clean = new float[(long)count * data.Dimension];
        data.CopyRows(Enumerable.Range(start, count).ToArray(), clean);
        return Apply(clean, count, data.Dimension, seed, start);
    }

    /// <summary>Corrupts every row of <paramref name="data"/> (as floats: keep to test-set sizes).</summary>
    public CorruptedBatch Apply(BinaryDataset data, int seed) => Apply((Dataset)data, seed);

    /// <summary>Corrupts every row of <paramref name="data"/>, binary or real (as floats: keep to test-set sizes).</summary>
    public CorruptedBatch Apply(Dataset data, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Apply(data, seed, 0, data.Count);
    }

    /// <summary>Separates the random streams of the kinds of corruption that share a seed.</summary>
    private protected abstract ulong StreamSalt { get; }

    /// <summary>Checks that images of <paramref name="dimension"/> pixels fit this corruption.</summary>
    private protected virtual void CheckDimension(int dimension) { }

    /// <summary>Corrupts one row in place: <paramref name="values"/> starts as the clean image, both masks as false.</summary>
    private protected abstract void CorruptRow(Span<float> values, Span<bool> known, Span<bool> corrupted, ulong key);

    /// <summary>⌊U · n⌋ for the uniform of <paramref name="counter"/>, in [0, n): 24 random bits, a bias below n / 2²⁴.</summary>
    private protected static int UniformIndex(ulong key, uint counter, int n) =>
        Math.Min((int)(CounterRandom.Uniform(key, counter) * n), n - 1);

    private static void RequireShape(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.ImageRows <= 0 || data.ImageColumns <= 0)
            throw new InvalidOptionsException("data", $"the data set ({data.Dimension} values per row) has no image shape; pass imageRows and imageColumns explicitly.");
    }

    private sealed class PixelFlips : Corruption
    {
        private readonly double _fraction;

        public PixelFlips(double fraction)
        {
            if (!(fraction >= 0 && fraction <= 1))
                throw new InvalidOptionsException(nameof(fraction), $"must be in [0, 1]; got {fraction}.");
            _fraction = fraction;
        }

        public override CorruptionKind Kind => CorruptionKind.PixelFlips;

        public override string Description => string.Create(CultureInfo.InvariantCulture, $"flip {_fraction:0.###%} of pixels");

        private protected override ulong StreamSalt => 0xF11Bu;

        private protected override void CorruptRow(Span<float> values, Span<bool> known, Span<bool> corrupted, ulong key)
        {
            int d = values.Length;
            int flips = (int)Math.Round(_fraction * d, MidpointRounding.AwayFromZero);
            known.Fill(true);
            // Partial Fisher–Yates: the first `flips` entries of a random permutation of 0…d−1.
            Span<int> order = d <= 4096 ? stackalloc int[d] : new int[d];
            for (int i = 0; i < d; i++) order[i] = i;
            for (int i = 0; i < flips; i++)
            {
                int j = i + UniformIndex(key, (uint)i, d - i);
                (order[i], order[j]) = (order[j], order[i]);
                int pixel = order[i];
                values[pixel] = 1f - values[pixel];
                corrupted[pixel] = true;
            }
        }
    }

    private sealed class GaussianNoise : Corruption
    {
        private readonly double _standardDeviation;

        public GaussianNoise(double standardDeviation)
        {
            if (!(double.IsFinite(standardDeviation) && standardDeviation > 0))
                throw new InvalidOptionsException(nameof(standardDeviation), $"must be finite and positive; got {standardDeviation}.");
            _standardDeviation = standardDeviation;
        }

        public override CorruptionKind Kind => CorruptionKind.GaussianNoise;

        public override string Description => string.Create(CultureInfo.InvariantCulture, $"add Gaussian noise (σ = {_standardDeviation:0.###})");

        private protected override ulong StreamSalt => 0x6A055u;

        private protected override void CorruptRow(Span<float> values, Span<bool> known, Span<bool> corrupted, ulong key)
        {
            known.Fill(true);
            corrupted.Fill(true);
            // Box–Muller on two counter-based uniforms per value, in double.
            for (int i = 0; i < values.Length; i++)
            {
                double u1 = 1.0 - CounterRandom.Uniform(key, (uint)(2 * i)), u2 = CounterRandom.Uniform(key, (uint)(2 * i + 1));
                double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                values[i] = (float)(values[i] + _standardDeviation * z);
            }
        }
    }

    private sealed class RandomValues : Corruption
    {
        private readonly double _fraction;

        public RandomValues(double fraction)
        {
            if (!(fraction >= 0 && fraction <= 1))
                throw new InvalidOptionsException(nameof(fraction), $"must be in [0, 1]; got {fraction}.");
            _fraction = fraction;
        }

        public override CorruptionKind Kind => CorruptionKind.Occlusion;

        public override string Description => string.Create(CultureInfo.InvariantCulture, $"hide {_fraction:0.###%} of values");

        private protected override ulong StreamSalt => 0x41DEu;

        private protected override void CorruptRow(Span<float> values, Span<bool> known, Span<bool> corrupted, ulong key)
        {
            int d = values.Length;
            int hidden = (int)Math.Round(_fraction * d, MidpointRounding.AwayFromZero);
            known.Fill(true);
            // Partial Fisher–Yates, as for flips; a hidden value reads 0 like a hidden pixel.
            Span<int> order = d <= 4096 ? stackalloc int[d] : new int[d];
            for (int i = 0; i < d; i++) order[i] = i;
            for (int i = 0; i < hidden; i++)
            {
                int j = i + UniformIndex(key, (uint)i, d - i);
                (order[i], order[j]) = (order[j], order[i]);
                int value = order[i];
                values[value] = 0f;
                known[value] = false;
                corrupted[value] = true;
            }
        }
    }

    private abstract class Occlusion : Corruption
    {
        protected Occlusion(int imageRows, int imageColumns)
        {
            if (imageRows < 1) throw new InvalidOptionsException(nameof(imageRows), $"must be ≥ 1; got {imageRows}.");
            if (imageColumns < 1) throw new InvalidOptionsException(nameof(imageColumns), $"must be ≥ 1; got {imageColumns}.");
            ImageRows = imageRows;
            ImageColumns = imageColumns;
        }

        protected int ImageRows { get; }

        protected int ImageColumns { get; }

        public sealed override CorruptionKind Kind => CorruptionKind.Occlusion;

        private protected sealed override void CheckDimension(int dimension)
        {
            if ((long)ImageRows * ImageColumns != dimension)
                throw new ArgumentException(
                    $"Images of {ImageRows}×{ImageColumns} = {(long)ImageRows * ImageColumns} pixels expected; rows have {dimension}.", nameof(dimension));
        }

        /// <summary>Marks every pixel known, then hides the rectangle [top, top + height) × [left, left + width).</summary>
        protected void Hide(Span<float> values, Span<bool> known, Span<bool> corrupted, int top, int left, int height, int width)
        {
            known.Fill(true);
            for (int y = top; y < top + height; y++)
                for (int x = left; x < left + width; x++)
                {
                    int i = y * ImageColumns + x;
                    values[i] = 0f;
                    known[i] = false;
                    corrupted[i] = true;
                }
        }
    }

    private sealed class BottomHalf : Occlusion
    {
        public BottomHalf(int imageRows, int imageColumns) : base(imageRows, imageColumns)
        {
            if (imageRows < 2) throw new InvalidOptionsException(nameof(imageRows), $"an image needs at least 2 rows to have a bottom half; got {imageRows}.");
        }

        public override string Description =>
            string.Create(CultureInfo.InvariantCulture, $"hide bottom half ({ImageRows - ImageRows / 2} of {ImageRows} rows)");

        private protected override ulong StreamSalt => 0xB07u;

        private protected override void CorruptRow(Span<float> values, Span<bool> known, Span<bool> corrupted, ulong key) =>
            Hide(values, known, corrupted, ImageRows / 2, 0, ImageRows - ImageRows / 2, ImageColumns);
    }

    private sealed class RandomSquare : Occlusion
    {
        private readonly int _size;

        public RandomSquare(int imageRows, int imageColumns, int size) : base(imageRows, imageColumns)
        {
            if (size < 1 || size > imageRows || size > imageColumns)
                throw new InvalidOptionsException(nameof(size), $"a square must have a side in [1, {Math.Min(imageRows, imageColumns)}] to fit a {imageRows}×{imageColumns} image; got {size}.");
            _size = size;
        }

        public override string Description => string.Create(CultureInfo.InvariantCulture, $"hide random {_size}×{_size} square");

        private protected override ulong StreamSalt => 0x5C0A4Eu;

        private protected override void CorruptRow(Span<float> values, Span<bool> known, Span<bool> corrupted, ulong key)
        {
            int top = UniformIndex(key, 0, ImageRows - _size + 1);
            int left = UniformIndex(key, 1, ImageColumns - _size + 1);
            Hide(values, known, corrupted, top, left, _size, _size);
        }
    }
}
