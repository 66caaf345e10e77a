namespace Vpf.Core.Persistence;

/// <summary>
/// Writes a file so that a failure never leaves it half-written: the content goes to a temporary file in the same
/// folder, is flushed to disk, and only then replaces <c>path</c> by a rename. On any failure the temporary file is
/// deleted and whatever was at <c>path</c> before is untouched. Only a regular file is ever replaced: a directory,
/// device, FIFO, socket or symbolic link at <c>path</c>, and a file that cannot be opened for writing (read-only,
/// immutable, append-only), are refused before anything is written. Temporary files of this naming pattern left by a
/// killed process are removed on the next write next to the same target (see <see cref="StaleTemporaryFiles"/>),
/// except files the caller names as its inputs.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The target.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="inputs">Files the caller reads; the clean-up of stale temporary files never removes them.</param>
    /// <exception cref="FileWriteException">The target cannot be replaced, or writing, flushing or renaming failed; the old file is unchanged.</exception>
    public static void Write(string path, Action<Stream> write, IEnumerable<string>? inputs = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        if (ReplaceProblem(full) is { } problem)
            throw new FileWriteException(path, $"Cannot write '{path}': {problem}. Nothing was written.");
        bool existed = FileIdentity.KindOf(full) == FileKind.Regular;
        string temp;
        try
        {
            StaleTemporaryFiles.Remove(full, folder, inputs ?? []);
            temp = TempPathFor(full, folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(path, existed, e);
        }
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); }
            catch (IOException) { /* best effort; the original error matters more */ }
            catch (UnauthorizedAccessException) { }
            if (e is IOException and not FileWriteException or UnauthorizedAccessException) throw Failed(path, existed, e);
            throw;
        }
    }

    /// <summary>
    /// Why the file at <paramref name="fullPath"/> must not or cannot be replaced, or null when it is missing or a
    /// regular file this process may open for writing. The test opens the target itself without changing it, so an
    /// immutable, append-only or read-only file is found before any work, not at the rename after it.
    /// </summary>
    public static string? ReplaceProblem(string fullPath)
    {
        if (IsSymbolicLink(fullPath))
            return "it is a symbolic link; only a regular file is replaced (give the file it points to, or another name)";
        switch (FileIdentity.KindOf(fullPath))
        {
            case FileKind.Missing: return null;
            case FileKind.Directory: return "it is a directory; only a regular file is replaced";
            case FileKind.Special: return "it is not a regular file (a device, FIFO or socket); only a regular file is replaced";
        }
        try
        {
            using (new FileStream(fullPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the existing file cannot be replaced ({e.Message}); it may be read-only or immutable (chattr +i)";
        }
    }

    /// <summary>True when <paramref name="fullPath"/> itself is a symbolic link (dangling or not).</summary>
    public static bool IsSymbolicLink(string fullPath)
    {
        try
        {
            return new FileInfo(fullPath).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The temporary file's name: hidden, next to the target, unique, recognisable by its ".tmp" suffix.</summary>
    internal static string TempPathFor(string fullPath, string folder) =>
        Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");

    private static FileWriteException Failed(string path, bool existed, Exception e) =>
        new(path, $"Cannot write '{path}': {e.Message.TrimEnd('.')}. " +
                  (existed ? "The file that was there is unchanged." : "Nothing was written there.") + " No temporary file was left.", e);
}
