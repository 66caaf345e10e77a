namespace Vpf.Core.Data;

public sealed partial class BinaryDataset
{
    /// <summary>
    /// Reads an IDX image file (and optionally its label file), checks that they hold the same number of
    /// items, and binarises the images by <paramref name="options"/> (default: threshold at intensity ≥ 128).
    /// Raw and gzip files are both accepted. The result keeps the image shape in
    /// <see cref="ImageRows"/>/<see cref="ImageColumns"/>.
    /// </summary>
    /// <remarks>
    /// While loading, the intensities are held once as bytes (count × rows × columns, 47 MB for the
    /// MNIST training set); the result keeps only the bits. A file whose header declares 0 images is
    /// well-formed but is rejected as <see cref="DataFileProblem.Empty"/>: training on it is meaningless
    /// and it almost always means the wrong file.
    /// </remarks>
    /// <exception cref="DataFileException">A file is missing, unreadable, empty, malformed, of the wrong kind, or the counts disagree.</exception>
    public static BinaryDataset LoadIdx(string imagesPath, string? labelsPath = null, BinarisationOptions? options = null)
        => LoadIdx(imagesPath, labelsPath, options, streamSalt: 0);

    /// <summary>
    /// Reads rows [<paramref name="firstRow"/>, first + <paramref name="maxRows"/>) of an IDX image file (fewer when the
    /// file ends sooner) and the same rows of its labels file, and binarises them as <see cref="LoadIdx(string, string?, BinarisationOptions?)"/>
    /// would within the whole file. Memory follows the rows read, not the count the header declares; the whole of both
    /// files is still checked (sizes, gzip trailers), and their declared counts must agree.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstRow"/> or <paramref name="maxRows"/> is negative.</exception>
    /// <exception cref="DataFileException">A file is missing, unreadable, empty, malformed, of the wrong kind, or the counts disagree.</exception>
    public static BinaryDataset LoadIdxRows(string imagesPath, string? labelsPath, int firstRow, int maxRows, BinarisationOptions? options = null)
        => LoadIdx(imagesPath, labelsPath, options, streamSalt: 0, firstRow, maxRows);

    /// <summary>
    /// As the public overloads, with a salt separating the stochastic streams of sets loaded with one seed, and the rows
    /// [<paramref name="firstRow"/>, first + <paramref name="maxRows"/>) to keep.
    /// </summary>
    internal static BinaryDataset LoadIdx(string imagesPath, string? labelsPath, BinarisationOptions? options, ulong streamSalt,
        int firstRow = 0, int maxRows = int.MaxValue)
    {
        (IdxImages images, byte[]? labels) = IdxPair.Read(imagesPath, labelsPath, firstRow, maxRows);
        return FromIntensities(images.Pixels.Span, images.Count, images.Dimension, options, labels,
            images.Rows, images.Columns, streamSalt, firstRow);
    }
}
