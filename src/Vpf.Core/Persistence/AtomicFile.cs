namespace Vpf.Core.Persistence;

/// <summary>
/// Writes a file so that a failure never leaves it half-written: the content goes to a temporary file in the same
/// folder, is flushed to disk, and only then replaces <c>path</c> by a rename. On any failure the temporary file is
/// deleted and whatever was at <c>path</c> before is untouched.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
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
