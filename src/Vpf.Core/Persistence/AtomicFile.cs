using Vpf.Core.Data;

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
internal static partial class AtomicFile
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
        FileStream? file = null;
        try
        {
            file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(new FailureNamingStream(file, path, existed));
            Guard(path, existed, () => file.Flush(flushToDisk: true));
            Guard(path, existed, file.Dispose);
            Guard(path, existed, () => File.Move(temp, full, overwrite: true));
        }
        catch (Exception e)
        {
            try { file?.Dispose(); }
            catch (Exception) { /* the buffered bytes cannot be written either; the first error is the one to report */ }
            try { File.Delete(temp); }
            catch (IOException) { /* best effort; the original error matters more */ }
            catch (UnauthorizedAccessException) { }
            if (e is IOException and not FileWriteException or UnauthorizedAccessException) throw Failed(path, existed, e);
            throw;
        }
    }

    /// <summary>
    /// Runs a file operation, reporting its failure as a <see cref="FileWriteException"/>. A full disk is an
    /// <see cref="IOException"/>, but a file size limit (EFBIG) surfaces in .NET as an
    /// <see cref="ArgumentOutOfRangeException"/>; only errors of the file itself are translated, never the writer's.
    /// </summary>
    private static void Guard(string path, bool existed, Action operation)
    {
        try
        {
            operation();
        }
        catch (Exception e) when (e is IOException and not FileWriteException or UnauthorizedAccessException or ArgumentOutOfRangeException or NotSupportedException)
        {
            throw Failed(path, existed, e);
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

    /// <summary>The temporary file as the content writer sees it: every failure of the file names the output.</summary>
    private sealed class FailureNamingStream(FileStream file, string path, bool existed) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => file.CanSeek;
        public override bool CanWrite => true;
        public override long Length => file.Length;

        public override long Position
        {
            get => file.Position;
            set => Guard(path, existed, () => file.Position = value);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                file.Write(buffer);
            }
            catch (Exception e) when (e is IOException and not FileWriteException or UnauthorizedAccessException or ArgumentOutOfRangeException or NotSupportedException)
            {
                throw Failed(path, existed, e);
            }
        }

        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() => Guard(path, existed, file.Flush);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin)
        {
            long result = 0;
            Guard(path, existed, () => result = file.Seek(offset, origin));
            return result;
        }

        public override void SetLength(long value) => Guard(path, existed, () => file.SetLength(value));
    }

    /// <summary>The system's reason without the temporary file's name, which is gone by the time the user reads it.</summary>
    private static string Reason(Exception e) => TempFileMention().Replace(e.Message, "").TrimEnd('.', ' ');

    [System.Text.RegularExpressions.GeneratedRegex(@"\s*:?\s*'[^']*\.[0-9a-f]{32}\.tmp'")]
    private static partial System.Text.RegularExpressions.Regex TempFileMention();

    private static FileWriteException Failed(string path, bool existed, Exception e) =>
        new(path, $"Cannot write '{path}': {(e is ArgumentOutOfRangeException ? "the file size limit of this process was reached (EFBIG)" : Reason(e))}. " +
                  (existed ? "The file that was there is unchanged." : "Nothing was written there.") + " No temporary file was left.", e);
}
