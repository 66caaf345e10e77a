using System.Buffers.Binary;
using System.IO.Compression;

namespace Vpf.Core.Data;

/// <summary>
/// The decompressed bytes of a gzip file, with the CRC-32 and length of everything read so that, once the content has
/// been read to its end, the file's trailer can be checked against them. .NET's <see cref="GZipStream"/> ends quietly
/// when the file stops inside or before the 8-byte trailer, so without this a file cut short by 1–8 bytes would read
/// as whole.
/// </summary>
internal sealed class GzipContent : Stream
{
    private readonly FileStream _file;
    private readonly GZipStream _inflate;
    private Crc32Ieee _crc;

    public GzipContent(FileStream file)
    {
        _file = file;
        _inflate = new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
    }

    /// <summary>Decompressed bytes read so far.</summary>
    public long Inflated { get; private set; }

    /// <summary>
    /// Throws a <see cref="DataFileException"/> naming <paramref name="path"/> unless the last 8 bytes of the file are
    /// the CRC-32 and length (mod 2^32) of the content read. Call only after the content has been read to its end.
    /// </summary>
    public void VerifyTrailer(string path)
    {
        Span<byte> trailer = stackalloc byte[8];
        long length = _file.Length;
        bool read = length >= 18;
        if (read)
        {
            _file.Position = length - 8;
            read = IdxSource.ReadFully(_file, trailer) == 8;
        }
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer), storedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (read && storedCrc == _crc.Value && storedLength == (uint)Inflated)
            return;
        throw GzipDiagnosis.Explain(path, null) ?? DataFileException.For(path, DataFileProblem.CorruptGzip,
            $"corrupt gzip, truncated or damaged trailer: the {Inflated:N0} decompressed bytes have CRC-32 0x{_crc.Value:X8}, " +
            $"but the file's last 8 bytes store CRC-32 0x{storedCrc:X8} and length {storedLength:N0}.");
    }

    public override int Read(Span<byte> buffer)
    {
        int n = _inflate.Read(buffer);
        _crc.Append(buffer[..n]);
        Inflated += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Inflated; set => throw new NotSupportedException(); }

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inflate.Dispose();
        base.Dispose(disposing);
    }
}
