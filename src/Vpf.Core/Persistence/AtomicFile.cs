using Vpf.Core.Data;

namespace Vpf.Core.Persistence;

/// <summary>
/// Writes a file so that a failure never leaves it half-written: the content goes to a temporary file in the same
/// folder, is flushed to disk, and only then replaces <c>path</c> by a rename. On any failure the temporary file is
/// deleted and whatever was at <c>path</c> before is untouched. Only a regular file is ever replaced: a directory,
/// device, FIFO or socket at <c>path</c> is refused before anything is written. Temporary files of this naming
/// pattern left by a killed process are removed on the next write next to the same target (see
/// <see cref="StaleTemporaryFiles"/>).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        var kind = FileIdentity.KindOf(full);
        if (kind is FileKind.Directory or FileKind.Special)
            throw new IOException($"'{path}' is {(kind == FileKind.Directory ? "a directory" : "not a regular file (a device, FIFO or socket)")}; only a regular file is replaced.");
        StaleTemporaryFiles.Remove(full, folder);
        string temp = TempPathFor(full, folder);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); }
            catch (IOException) { /* best effort; the original error matters more */ }
            catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>The temporary file's name: hidden, next to the target, unique, recognisable by its ".tmp" suffix.</summary>
    internal static string TempPathFor(string fullPath, string folder) =>
        Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
}
