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

    /// <summary>
    /// Most bytes one byte of a gzip file can decompress to: deflate's longest match (258 bytes) costs at least two
    /// bits, so a deflate stream expands at most about 1032:1; a header promising more than the file can hold at that
    /// ratio is refused before anything is allocated.
    /// </summary>
    public const long MaxInflationRatio = 1032;

    /// <summary>Reads the whole file: header sizes (count first) and the payload bytes.</summary>
    public static (uint[] Sizes, byte[] Payload) Read(string path, IdxKind kind) => Read(path, kind, 0, int.MaxValue);

    /// <summary>
    /// Reads the header sizes (count first, as declared) and the payload of items [<paramref name="firstItem"/>,
    /// first + <paramref name="maxItems"/>) clipped to the count; memory follows the items kept. The rest of the file
    /// is still checked (length, and for gzip the CRC-32 and length trailer), streamed through a small buffer.
    /// </summary>
    public static (uint[] Sizes, byte[] Payload) Read(string path, IdxKind kind, int firstItem, int maxItems)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstItem);
        ArgumentOutOfRangeException.ThrowIfNegative(maxItems);
        using IdxSource source = IdxSource.Open(path);
        try
        {
            uint[] sizes = ReadHeader(path, kind, source);
            long promised = PayloadLength(path, kind, sizes);
            if (source.IsGzip)
                CheckInflatable(path, kind, sizes, promised, source.FileLength);
            long itemBytes = sizes[0] == 0 ? 0 : promised / sizes[0];
            long first = Math.Min(firstItem, sizes[0]), kept = Math.Min(maxItems, sizes[0] - first);
            byte[] payload = source.IsGzip
                ? ReadGzipPayload(path, kind, sizes, (GzipContent)source.Stream, promised, first * itemBytes, kept * itemBytes)
                : ReadRawPayload(path, kind, sizes, source, promised, first * itemBytes, kept * itemBytes);
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

    /// <summary>Refuses a gzip file whose header promises more content than its compressed length can decompress to.</summary>
    private static void CheckInflatable(string path, IdxKind kind, uint[] sizes, long promised, long fileLength)
    {
        long content = kind.HeaderLength() + promised, most = fileLength * MaxInflationRatio;
        if (content > most)
            throw DataFileException.For(path, DataFileProblem.Truncated,
                $"truncated: header promises {kind.Describe(sizes)} ({content:N0} bytes decompressed, header included) but a gzip file of " +
                $"{fileLength:N0} bytes decompresses to at most {most:N0} bytes (deflate expands at most {MaxInflationRatio}:1).");
    }

    private static byte[] ReadRawPayload(string path, IdxKind kind, uint[] sizes, IdxSource source, long promised, long skip, long keep)
    {
        // The file length tells us up front whether the payload is all there, before any allocation.
        long available = source.FileLength - kind.HeaderLength();
        if (available != promised)
            throw Mismatch(path, kind, sizes, promised, available);
        if (skip > 0)
            source.Stream.Position = kind.HeaderLength() + skip;
        var payload = new byte[keep];
        int got = IdxSource.ReadFully(source.Stream, payload);
        if (got != keep)
            throw Mismatch(path, kind, sizes, promised, skip + got); // the file shrank while we read it
        return payload;
    }

    private static byte[] ReadGzipPayload(string path, IdxKind kind, uint[] sizes, GzipContent stream, long promised, long skip, long keep)
    {
        DataFileException Short(long got) => GzipDiagnosis.Explain(path, null) ?? Mismatch(path, kind, sizes, promised, got);

        var sink = new byte[1 << 16];
        long skipped = Discard(stream, skip, sink);
        if (skipped < skip)
            throw Short(skipped);

        var payload = new byte[Math.Min(keep, GrowthChunk)];
        long got = 0;
        while (true)
        {
            got += IdxSource.ReadFully(stream, payload.AsSpan((int)got));
            if (got < payload.Length)
                throw Short(skip + got);
            if (got == keep)
                break;
            Array.Resize(ref payload, (int)Math.Min(keep, 2L * payload.Length));
        }

        long rest = promised - skip - keep, after = Discard(stream, rest, sink);
        if (after < rest)
            throw Short(skip + keep + after);
        long trailing = Discard(stream, long.MaxValue, sink);
        if (trailing > 0)
            throw Mismatch(path, kind, sizes, promised, promised + trailing);
        stream.VerifyTrailer(path);
        return payload;
    }

    /// <summary>Reads and drops up to <paramref name="count"/> bytes through <paramref name="sink"/>; returns how many there were.</summary>
    private static long Discard(Stream stream, long count, byte[] sink)
    {
        long done = 0;
        for (int n; done < count && (n = stream.Read(sink, 0, (int)Math.Min(sink.Length, count - done))) > 0;)
            done += n;
        return done;
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
