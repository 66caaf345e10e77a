namespace Vpf.Core.Data;

/// <summary>
/// An IDX images file read with its labels file: the rows kept, the labels of the same rows, and the checks both
/// loaders (binarised and grey-level) share: a header of 0 images is refused, and the two files must declare the same
/// count.
/// </summary>
internal static class IdxPair
{
    /// <summary>
    /// Rows [<paramref name="firstRow"/>, first + <paramref name="maxRows"/>) of <paramref name="imagesPath"/> and of
    /// <paramref name="labelsPath"/> (null: no labels). Memory follows the rows kept; both files are checked whole.
    /// </summary>
    /// <exception cref="DataFileException">A file is missing, unreadable, empty, malformed, of the wrong kind, or the counts disagree.</exception>
    public static (IdxImages Images, byte[]? Labels) Read(string imagesPath, string? labelsPath, int firstRow, int maxRows)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        IdxImages images = IdxReader.ReadImages(imagesPath, firstRow, maxRows);
        if (images.CountInFile == 0)
            throw DataFileException.For(imagesPath, DataFileProblem.Empty,
                $"empty: header declares 0 images of {images.Rows}×{images.Columns}; a data set needs at least one.");
        byte[]? labels = null;
        if (labelsPath is not null)
        {
            (labels, int labelCount) = IdxReader.ReadLabels(labelsPath, firstRow, maxRows);
            if (labelCount != images.CountInFile)
                throw new DataFileException(labelsPath, DataFileProblem.CountMismatch,
                    $"images file '{Path.GetFileName(imagesPath)}' holds {images.CountInFile} images " +
                    $"but labels file '{Path.GetFileName(labelsPath)}' holds {labelCount} labels.");
        }
        return (images, labels);
    }
}
