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

    /// <summary>As the public overload, with a salt separating the stochastic streams of sets loaded with one seed.</summary>
    internal static BinaryDataset LoadIdx(string imagesPath, string? labelsPath, BinarisationOptions? options, ulong streamSalt)
    {
        IdxImages images = IdxReader.ReadImages(imagesPath);
        if (images.Count == 0)
            throw DataFileException.For(imagesPath, DataFileProblem.Empty,
                $"empty: header declares 0 images of {images.Rows}×{images.Columns}; a data set needs at least one.");
        byte[]? labels = null;
        if (labelsPath is not null)
        {
            labels = IdxReader.ReadLabels(labelsPath);
            if (labels.Length != images.Count)
                throw new DataFileException(labelsPath, DataFileProblem.CountMismatch,
                    $"images file '{Path.GetFileName(imagesPath)}' holds {images.Count} images " +
                    $"but labels file '{Path.GetFileName(labelsPath)}' holds {labels.Length} labels.");
        }
        return FromIntensities(images.Pixels.Span, images.Count, images.Dimension, options, labels,
            images.Rows, images.Columns, streamSalt);
    }
}
