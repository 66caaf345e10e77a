namespace Vpf.Core.Persistence;

/// <summary>
/// An output file could not be written: the disk is full, a file size limit was reached, the target cannot be
/// replaced (immutable, read-only, a symbolic link) or another I/O error struck while writing. Every writer of this
/// library writes a temporary file and renames it over the target, so when this is thrown the file that was at
/// <see cref="FilePath"/> before (if any) is unchanged and no temporary file is left. It is an
/// <see cref="IOException"/>, so callers that catch I/O errors keep working.
/// </summary>
public sealed class FileWriteException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>; <paramref name="message"/> is the complete message.</summary>
    public FileWriteException(string filePath, string message, Exception? inner = null) : base(message, inner) => FilePath = filePath;

    /// <summary>The output that could not be written, as the caller gave it.</summary>
    public string FilePath { get; }
}
