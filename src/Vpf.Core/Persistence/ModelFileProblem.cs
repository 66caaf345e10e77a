namespace Vpf.Core.Persistence;

/// <summary>What is wrong with a model file; carried by <see cref="ModelFileException.Problem"/>.</summary>
public enum ModelFileProblem
{
    /// <summary>The file (or its directory) does not exist.</summary>
    Missing,

    /// <summary>The file exists but could not be read (permissions, a directory, an I/O error).</summary>
    Unreadable,

    /// <summary>The file does not start with the magic bytes "VPFM": it is some other kind of file.</summary>
    NotAModelFile,

    /// <summary>The file was written in a format version this reader does not read (a newer major or minor version).</summary>
    UnsupportedVersion,

    /// <summary>The file ends before the header, a tensor, the info block or the checksum it promises.</summary>
    Truncated,

    /// <summary>The checksum does not match the content, or the file is longer than its header says: bytes were altered.</summary>
    Corrupted,

    /// <summary>
    /// The bytes are intact but describe no valid model: sizes below 1, tensors of the wrong name or length, a lateral
    /// matrix that is not symmetric or has a non-zero diagonal, NaN or infinite parameters, an unreadable info block.
    /// </summary>
    Invalid,
}
