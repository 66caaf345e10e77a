using Vpf.Core.Data;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Vpf.Core.Persistence;

/// <summary>
/// The zip container of a checkpoint with a checksum over everything it holds: CRC-32C over every entry, in archive
/// order, of its name (UTF-8), its length (int64 little-endian) and its bytes, stored in the archive comment as
/// <c>vpf-checkpoint crc32c=xxxxxxxx</c>. A new entry is covered without further code. Reading checks the number and
/// names of entries and each entry's declared length against a bound <b>before</b> inflating it, so neither a lying
/// zip directory nor a zip bomb can make the reader allocate more than the bound.
/// </summary>
internal static partial class CheckpointArchive
{
    private const string CommentPrefix = "vpf-checkpoint crc32c=";

    /// <summary>More entries than any checkpoint holds (model, state, at most two moment tensor sets, room for a few more).</summary>
    public const int MaxEntries = 16;

    /// <summary>Writes <paramref name="entries"/> (name, bytes) to <paramref name="stream"/> as a checksummed zip archive.</summary>
    public static void Write(Stream stream, IReadOnlyList<(string Name, byte[] Bytes)> entries)
    {
        var crc = new Crc32C();
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, bytes) in entries)
        {
            Append(ref crc, name, bytes);
            var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
            using var s = entry.Open();
            s.Write(bytes);
        }
        zip.Comment = CommentPrefix + crc.Value.ToString("x8", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Reads every entry of the archive at <paramref name="path"/> after checking its name and declared length
    /// (<paramref name="limitFor"/> gives the largest length allowed for an entry name), then checks the checksum.
    /// </summary>
    /// <exception cref="ModelFileException">Anything is wrong; the message names the file and the entry.</exception>
    public static Dictionary<string, byte[]> Read(string path, Func<string, ZipArchiveEntry, long> limitFor)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var zip = new ZipArchive(file, ZipArchiveMode.Read);
        string comment = zip.Comment ?? "";
        if (comment.Length == 0)
            throw CheckpointFile.Bad(path, ModelFileProblem.UnsupportedVersion,
                $"it carries no checksum: it was written in checkpoint format 1 by an older vpf (this build reads format {CheckpointFile.FormatVersion}), or its archive comment was removed");
        if (!comment.StartsWith(CommentPrefix, StringComparison.Ordinal)
            || !uint.TryParse(comment.AsSpan(CommentPrefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint stored)
            || comment.Length != CommentPrefix.Length + 8)
            throw CheckpointFile.Bad(path, ModelFileProblem.Corrupted, $"its archive comment should hold the checksum ('{CommentPrefix}' and 8 hex digits) but is '{Shorten(comment)}'");
        if (zip.Entries.Count > MaxEntries)
            throw CheckpointFile.Bad(path, ModelFileProblem.Invalid, $"it has {zip.Entries.Count} entries; a checkpoint has at most {MaxEntries}");
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var crc = new Crc32C();
        foreach (var entry in zip.Entries)
        {
            string name = entry.FullName;
            if (!EntryName().IsMatch(name))
                throw CheckpointFile.Bad(path, ModelFileProblem.Invalid, $"entry '{Shorten(name)}' is not one a checkpoint holds");
            if (!result.TryAdd(name, []))
                throw CheckpointFile.Bad(path, ModelFileProblem.Invalid, $"entry '{name}' occurs twice");
            long limit = limitFor(name, entry);
            if (entry.Length < 0 || entry.Length > limit)
                throw CheckpointFile.Bad(path, ModelFileProblem.Invalid,
                    $"entry '{name}' declares {entry.Length:N0} bytes, more than the {limit:N0} a checkpoint of this size can hold");
            byte[] bytes;
            using (var s = entry.Open())
                bytes = ReadDeclared(s, entry.Length, name, path);
            Append(ref crc, name, bytes);
            result[name] = bytes;
        }
        if (crc.Value != stored)
            throw CheckpointFile.Bad(path, ModelFileProblem.Corrupted,
                $"expected CRC-32C 0x{stored:X8} (stored in the archive comment) but its entries give 0x{crc.Value:X8}; some bytes were altered");
        return result;
    }

    /// <summary>
    /// Reads exactly <paramref name="declared"/> bytes, growing the buffer only as bytes really arrive, so a lying
    /// declared length costs no more memory than the data that is there.
    /// </summary>
    private static byte[] ReadDeclared(Stream s, long declared, string name, string path)
    {
        var bytes = new byte[Math.Min(declared, GrowthChunk)];
        long got = 0;
        while (true)
        {
            got += s.ReadAtLeast(bytes.AsSpan((int)got), bytes.Length - (int)got, throwOnEndOfStream: false);
            if (got < bytes.Length)
                throw CheckpointFile.Bad(path, ModelFileProblem.Truncated, $"entry '{name}' holds {got:N0} of its {declared:N0} bytes");
            if (got == declared) break;
            Array.Resize(ref bytes, (int)Math.Min(declared, 2L * bytes.Length));
        }
        if (s.ReadByte() >= 0)
            throw CheckpointFile.Bad(path, ModelFileProblem.Corrupted, $"entry '{name}' holds more than the {declared:N0} bytes it declares");
        return bytes;
    }

    private const int GrowthChunk = 1 << 20;

    private static void Append(ref Crc32C crc, string name, byte[] bytes)
    {
        crc.Append(Encoding.UTF8.GetBytes(name));
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, bytes.LongLength);
        crc.Append(length);
        crc.Append(bytes);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex("^(checkpoint\\.json|[a-z]+(-[0-9]{1,2})?\\.vpf)$")]
    private static partial Regex EntryName();
}
