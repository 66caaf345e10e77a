using System.Buffers.Binary;
using System.IO.Compression;

namespace Vpf.Core.Data;

/// <summary>
/// Says what is wrong with a damaged gzip file, which .NET's <see cref="GZipStream"/> reports with one misleading
/// message for every kind of damage (and not at all when the file is cut short): a bad header (magic, method,
/// flags), damaged compressed data, a bad CRC-32 or length in the trailer, or a file truncated before the end of its
/// compressed stream. It reads the file once more, streaming, only after a failure.
/// </summary>
internal static class GzipDiagnosis
{
    private const byte FlagHeaderCrc = 0x02, FlagExtra = 0x04, FlagName = 0x08, FlagComment = 0x10, ReservedFlags = 0xE0;

    /// <summary>The diagnosed problem of the gzip file at <paramref name="path"/>, or null when its gzip layer is intact.</summary>
    public static DataFileException? Explain(string path, Exception? cause)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            long length = file.Length;
            var head = new byte[10];
            if (file.ReadAtLeast(head, 10, throwOnEndOfStream: false) < 10)
                return Fail(path, $"truncated header: the file has {length} bytes, fewer than the 10 of a gzip header.", cause);
            if (head[0] != 0x1f || head[1] != 0x8b)
                return null;
            if (head[2] != 8)
                return Fail(path, $"bad header: compression method {head[2]}, expected 8 (deflate).", cause);
            byte flags = head[3];
            if ((flags & ReservedFlags) != 0)
                return Fail(path, $"bad header: reserved flag bits are set (flags 0x{flags:X2}).", cause);
            if (!SkipOptionalFields(file, flags))
                return Fail(path, "truncated header: the file ends inside the optional header fields.", cause);
            long dataStart = file.Position;
            if (length - dataStart < 8)
                return Fail(path, $"truncated: the file ends {length - dataStart} bytes after its gzip header, before the compressed data and 8-byte trailer.", cause);

            var crc = new Crc32Ieee();
            long inflated = 0;
            var buffer = new byte[1 << 16];
            try
            {
                using var deflate = new DeflateStream(file, CompressionMode.Decompress, leaveOpen: true);
                for (int n; (n = deflate.Read(buffer)) > 0;)
                {
                    crc.Append(buffer.AsSpan(0, n));
                    inflated += n;
                }
            }
            catch (InvalidDataException e)
            {
                return Fail(path, $"damaged compressed data: the deflate stream breaks after {inflated:N0} decompressed bytes ({e.Message}).", e);
            }

            Span<byte> trailer = stackalloc byte[8];
            file.Position = length - 8;
            file.ReadExactly(trailer);
            uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            uint storedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
            bool crcOk = storedCrc == crc.Value, lengthOk = storedLength == (uint)inflated;
            return (crcOk, lengthOk) switch
            {
                (true, true) => null,
                (false, true) => Fail(path, $"bad CRC: the trailer stores CRC-32 0x{storedCrc:X8} but the {inflated:N0} decompressed bytes give 0x{crc.Value:X8}.", cause),
                (true, false) => Fail(path, $"bad length: the trailer stores {storedLength:N0} bytes but {inflated:N0} were decompressed (CRC matches).", cause),
                _ => Fail(path, $"truncated: the compressed stream stops after {length:N0} bytes ({inflated:N0} decompressed) without a matching CRC-32 and length trailer.", cause),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool SkipOptionalFields(Stream s, byte flags)
    {
        if ((flags & FlagExtra) != 0)
        {
            int lo = s.ReadByte(), hi = s.ReadByte();
            if (hi < 0) return false;
            long skip = lo | (hi << 8);
            if (s.Position + skip > s.Length) return false;
            s.Position += skip;
        }
        foreach (byte flag in new[] { FlagName, FlagComment })
            if ((flags & flag) != 0)
                for (int b; (b = s.ReadByte()) != 0;)
                    if (b < 0) return false;
        if ((flags & FlagHeaderCrc) != 0)
        {
            if (s.Position + 2 > s.Length) return false;
            s.Position += 2;
        }
        return true;
    }

    private static DataFileException Fail(string path, string detail, Exception? cause) =>
        DataFileException.For(path, DataFileProblem.CorruptGzip, "corrupt gzip, " + detail, cause);
}
