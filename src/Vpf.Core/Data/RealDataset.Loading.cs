namespace Vpf.Core.Data;

public sealed partial class RealDataset
{
    /// <summary>
    /// Reads an IDX image file (and optionally its label file) as grey levels: each intensity divided by 255, so every
    /// value lies in [0, 1] (<see cref="FromIntensities"/>). Raw and gzip files are both accepted; the checks are those of
    /// <see cref="BinaryDataset.LoadIdx(string, string?, BinarisationOptions?)"/>, and the image shape is kept.
    /// </summary>
    /// <exception cref="DataFileException">A file is missing, unreadable, empty, malformed, of the wrong kind, or the counts disagree.</exception>
    public static RealDataset LoadIdx(string imagesPath, string? labelsPath = null) => LoadIdxRows(imagesPath, labelsPath, 0, int.MaxValue);

    /// <summary>
    /// Reads rows [<paramref name="firstRow"/>, first + <paramref name="maxRows"/>) of an IDX image file (fewer when the
    /// file ends sooner) and the same rows of its labels file, as grey levels in [0, 1]. Memory follows the rows read
    /// (4 bytes per value kept), not the count the header declares; the whole of both files is still checked (sizes,
    /// gzip trailers), and their declared counts must agree.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstRow"/> or <paramref name="maxRows"/> is negative.</exception>
    /// <exception cref="DataFileException">A file is missing, unreadable, empty, malformed, of the wrong kind, or the counts disagree.</exception>
    public static RealDataset LoadIdxRows(string imagesPath, string? labelsPath, int firstRow, int maxRows)
    {
        (IdxImages images, byte[]? labels) = IdxPair.Read(imagesPath, labelsPath, firstRow, maxRows);
        return FromIntensities(images.Pixels.Span, images.Count, images.Dimension, labels, images.Rows, images.Columns);
    }

    /// <summary>Takes ownership of <paramref name="values"/> (finite, exactly count × dimension, checked by the caller) without a copy.</summary>
    internal static RealDataset Own(float[] values, int count, int dimension, byte[]? labels)
    {
        CheckShape(count, dimension, labels, 0, 0);
        bool isBinary = Array.TrueForAll(values, v => v == 0f || v == 1f);
        return new RealDataset(values, count, dimension, labels, 0, 0, isBinary);
    }
}
