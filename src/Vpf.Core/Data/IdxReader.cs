namespace Vpf.Core.Data;

/// <summary>
/// Reads MNIST-style IDX files (images: magic 0x00000803, count, rows, columns, then the pixels;
/// labels: magic 0x00000801, count, then one byte per label), raw or gzip-compressed. Compression is
/// recognised by the gzip magic bytes 0x1f 0x8b, whatever the file is called.
/// </summary>
/// <remarks>
/// Only unsigned-byte IDX files (type code 0x08) are accepted, with 3 dimensions for images and 1 for
/// labels. The whole file must be exactly header plus payload: a short file is
/// <see cref="DataFileProblem.Truncated"/>, a long one <see cref="DataFileProblem.TrailingBytes"/>.
/// A header declaring zero items is read as an empty set here; <see cref="BinaryDataset.LoadIdx(string, string?, BinarisationOptions?)"/> rejects it.
/// Every failure is a <see cref="DataFileException"/>, never a bare I/O exception.
/// </remarks>
internal static class IdxReader
{
    /// <summary>Reads an IDX image file.</summary>
    /// <exception cref="DataFileException">The file is missing, unreadable, empty, malformed or not an image file.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (uint[] sizes, byte[] pixels) = IdxParser.Read(path, IdxKind.Images);
        return new IdxImages((int)sizes[0], (int)sizes[1], (int)sizes[2], pixels);
    }

    /// <summary>
    /// Reads images [<paramref name="firstImage"/>, first + <paramref name="maxImages"/>) of an IDX image file (fewer
    /// when the file ends sooner); memory follows the images kept, not the count the header declares, which
    /// <see cref="IdxImages.CountInFile"/> reports. The whole file is still checked as by <see cref="ReadImages(string)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstImage"/> or <paramref name="maxImages"/> is negative.</exception>
    /// <exception cref="DataFileException">The file is missing, unreadable, empty, malformed or not an image file.</exception>
    public static IdxImages ReadImages(string path, int firstImage, int maxImages)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (uint[] sizes, byte[] pixels) = IdxParser.Read(path, IdxKind.Images, firstImage, maxImages);
        int dimension = (int)sizes[1] * (int)sizes[2];
        return new IdxImages(pixels.Length / dimension, (int)sizes[1], (int)sizes[2], pixels, (int)sizes[0]);
    }

    /// <summary>Reads an IDX label file: one byte per item.</summary>
    /// <exception cref="DataFileException">The file is missing, unreadable, empty, malformed or not a label file.</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return IdxParser.Read(path, IdxKind.Labels).Payload;
    }

    /// <summary>
    /// Reads labels [<paramref name="firstLabel"/>, first + <paramref name="maxLabels"/>) of an IDX label file (fewer
    /// when the file ends sooner), with the count its header declares. The whole file is still checked.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstLabel"/> or <paramref name="maxLabels"/> is negative.</exception>
    /// <exception cref="DataFileException">The file is missing, unreadable, empty, malformed or not a label file.</exception>
    public static (byte[] Labels, int CountInFile) ReadLabels(string path, int firstLabel, int maxLabels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (uint[] sizes, byte[] labels) = IdxParser.Read(path, IdxKind.Labels, firstLabel, maxLabels);
        return (labels, (int)sizes[0]);
    }
}
