namespace Vpf.Core.Data;

/// <summary>
/// The content of an IDX image file: <see cref="Count"/> images of <see cref="Rows"/> × <see cref="Columns"/>
/// unsigned-byte intensities, row-major, image after image (one byte per pixel, as in the file).
/// </summary>
internal sealed class IdxImages
{
    private readonly byte[] _pixels;

    internal IdxImages(int count, int rows, int columns, byte[] pixels, int? countInFile = null)
    {
        Count = count;
        CountInFile = countInFile ?? count;
        Rows = rows;
        Columns = columns;
        _pixels = pixels;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Images the file's header declares: <see cref="Count"/> unless only some were read.</summary>
    public int CountInFile { get; }

    /// <summary>Pixel rows of each image (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Pixel columns of each image (28 for MNIST).</summary>
    public int Columns { get; }

    /// <summary>Pixels per image: <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public int Dimension => Rows * Columns;

    /// <summary>All intensities, <see cref="Count"/> × <see cref="Dimension"/> bytes; image i starts at i × <see cref="Dimension"/>.</summary>
    public ReadOnlyMemory<byte> Pixels => _pixels;

    /// <summary>The <see cref="Dimension"/> intensities of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _pixels.AsSpan(index * Dimension, Dimension);
    }
}
