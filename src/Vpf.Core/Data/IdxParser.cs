using System.Buffers.Binary;

namespace Vpf.Core.Data;

/// <summary>
/// Parses one IDX file of a given kind into its sizes and payload, checking every promise of the header
/// against the bytes that are really there. Every failure is a <see cref="DataFileException"/>: the
/// I/O and decompression exceptions of the framework are wrapped so callers catch one type.
/// </summary>
internal static class IdxParser
{
    // Chunk by which a gzip payload buffer grows: a lying header in a small compressed file must not
    // make us allocate gigabytes before we find out the data is not there.
    private const int GrowthChunk = 1 << 22;

    /// <summary>Reads the whole file: header sizes (count first) and the payload bytes.</summary>
    public static (uint[] Sizes, byte[] Payload) Read(string path, IdxKind kind)
    {
        using IdxSource source = IdxSource.Open(path);
        try
        {
            uint[] sizes = ReadHeader(path, kind, source);
            long promised = PayloadLength(path, kind, sizes);
            byte[] payload = source.IsGzip
                ? ReadGzipPayload(path, kind, sizes, source.Stream, promised)
                : ReadRawPayload(path, kind, sizes, source, promised);
            return (sizes, payload);
        }
        catch (InvalidDataException e)
        {
            throw GzipDiagnosis.Explain(path, e) ?? DataFileException.For(path, DataFileProblem.CorruptGzip, $"corrupt gzip stream: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw DataFileException.For(path, DataFileProblem.Unreadable, $"read failed: {e.Message}", e);
        }
    }

    private static uint[] ReadHeader(string path, IdxKind kind, IdxSource source)
    {
        string expected = $"0x{kind.Magic():X8} for an IDX {kind.Noun()} file";
        Span<byte> header = stackalloc byte[kind.HeaderLength()];
        int got = IdxSource.ReadFully(source.Stream, header[..4]);
        if (got == 0)
        {
            string what = source.IsGzip ? "empty: the gzip stream decompresses to 0 bytes" : "empty file (0 bytes)";
            throw DataFileException.For(path, DataFileProblem.Empty, $"{what}; expected {expected}.");
        }
        if (got == 4)
        {
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (magic != kind.Magic())
                throw DataFileException.For(path, DataFileProblem.WrongMagicNumber,
                    $"wrong magic number 0x{magic:X8} ({IdxKindText.GuessFromMagic(magic)}); expected {expected}.");
            got += IdxSource.ReadFully(source.Stream, header[4..]);
        }
        if (got < header.Length)
            throw DataFileException.For(path, DataFileProblem.Truncated,
                $"truncated header: an IDX {kind.Noun()} file starts with a {header.Length}-byte header but only {got} bytes were found.");

        var sizes = new uint[kind.Dimensions()];
        for (int d = 0; d < sizes.Length; d++)
            sizes[d] = BinaryPrimitives.ReadUInt32BigEndian(header[(4 + 4 * d)..]);
        return sizes;
    }

    private static long PayloadLength(string path, IdxKind kind, uint[] sizes)
    {
        if (kind == IdxKind.Images && (sizes[1] == 0 || sizes[2] == 0))
            throw DataFileException.For(path, DataFileProblem.BadDimensions,
                $"bad dimensions: header declares images of {sizes[1]}×{sizes[2]}; rows and columns must be at least 1.");
        long total = 1;
        foreach (uint s in sizes)
        {
            total *= s; // at most three factors below 2^32 each, checked after every step: no overflow
            if (s > int.MaxValue || total > Array.MaxLength)
                throw DataFileException.For(path, DataFileProblem.BadDimensions,
                    $"bad dimensions: header declares {kind.Describe(sizes)}, more than the {Array.MaxLength} bytes one array can hold.");
        }
        return total;
    }

    private static byte[] ReadRawPayload(string path, IdxKind kind, uint[] sizes, IdxSource source, long promised)
    {
        // The file length tells us up front whether the payload is all there, before any allocation.
        long available = source.FileLength - kind.HeaderLength();
        if (available != promised)
            throw Mismatch(path, kind, sizes, promised, available);
        var payload = new byte[promised];
        int got = IdxSource.ReadFully(source.Stream, payload);
        if (got != promised)
            throw Mismatch(path, kind, sizes, promised, got); // the file shrank while we read it
        return payload;
    }

    private static byte[] ReadGzipPayload(string path, IdxKind kind, uint[] sizes, Stream stream, long promised)
    {
        var payload = new byte[Math.Min(promised, GrowthChunk)];
        long got = 0;
        while (true)
        {
            got += IdxSource.ReadFully(stream, payload.AsSpan((int)got));
            if (got < payload.Length)
                throw GzipDiagnosis.Explain(path, null) ?? Mismatch(path, kind, sizes, promised, got);
            if (got == promised)
                break;
            Array.Resize(ref payload, (int)Math.Min(promised, 2L * payload.Length));
        }

        long trailing = 0;
        Span<byte> sink = stackalloc byte[4096];
        for (int n; (n = stream.Read(sink)) > 0;)
            trailing += n;
        if (trailing > 0)
            throw Mismatch(path, kind, sizes, promised, promised + trailing);
        return payload;
    }

    private static DataFileException Mismatch(string path, IdxKind kind, uint[] sizes, long promised, long available)
    {
        string promise = $"header promises {kind.Describe(sizes)} ({promised} bytes)";
        return available < promised
            ? DataFileException.For(path, DataFileProblem.Truncated, $"truncated: {promise} but only {available} bytes follow.")
            : DataFileException.For(path, DataFileProblem.TrailingBytes,
                $"trailing bytes: {promise} but {available} bytes follow ({available - promised} too many).");
    }
}
