namespace Vpf.Core.Data;

/// <summary>
/// An opened IDX file: the raw file, or a decompressing view of it when it starts with the gzip magic
/// number 0x1f 0x8b. Detection looks at the bytes, not the name, because downloads are often renamed
/// or silently decompressed by browsers.
/// </summary>
internal sealed class IdxSource : IDisposable
{
    private IdxSource(Stream stream, bool isGzip, long fileLength)
    {
        Stream = stream;
        IsGzip = isGzip;
        FileLength = fileLength;
    }

    /// <summary>The bytes of the IDX content (already decompressed, a <see cref="GzipContent"/>, when <see cref="IsGzip"/>).</summary>
    public Stream Stream { get; }

    /// <summary>Whether the file is gzip-compressed.</summary>
    public bool IsGzip { get; }

    /// <summary>Length of the file on disk; for a raw file also the length of the content.</summary>
    public long FileLength { get; }

    /// <summary>Opens <paramref name="path"/>; a missing or unreadable file becomes a <see cref="DataFileException"/>.</summary>
    public static IdxSource Open(string path)
    {
        switch (FileIdentity.KindOf(path))
        {
            case FileKind.Directory:
                throw DataFileException.For(path, DataFileProblem.Unreadable, $"'{path}' is a directory, not a data file.");
            case FileKind.Special:
                throw DataFileException.For(path, DataFileProblem.Unreadable, $"'{path}' is not a regular file (a device, FIFO or socket).");
        }
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw DataFileException.For(path, DataFileProblem.Missing, $"not found (looked at '{Path.GetFullPath(path)}').", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DataFileException.For(path, DataFileProblem.Unreadable, $"cannot be opened for reading: {e.Message}", e);
        }

        try
        {
            Span<byte> head = stackalloc byte[2];
            int n = ReadFully(file, head);
            file.Position = 0;
            bool gzip = n == 2 && head[0] == 0x1f && head[1] == 0x8b;
            Stream stream = gzip ? new GzipContent(file) : file;
            return new IdxSource(stream, gzip, file.Length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the number of bytes read.</summary>
    public static int ReadFully(Stream stream, Span<byte> buffer)
        => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    /// <inheritdoc />
    public void Dispose() => Stream.Dispose();
}
