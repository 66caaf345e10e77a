using System.Buffers.Binary;
using System.Text;

namespace Vpf.Onnx;

/// <summary>
/// The protobuf wire format, as much of it as ONNX needs: varints (wire type 0), 32-bit floats (wire type 5) and
/// length-delimited fields (wire type 2: strings, bytes, packed repeated scalars and nested messages).
/// A nested message is written by a child writer whose bytes are then added with <see cref="Message"/>.
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0, WireFixed32 = 5, WireLengthDelimited = 2;
    private readonly MemoryStream _buffer = new();

    /// <summary>Bytes written so far.</summary>
    public long Length => _buffer.Length;

    /// <summary>An int64/int32/enum field (negative values take ten bytes, as protobuf's int64 does).</summary>
    public void Int64(int field, long value)
    {
        Tag(field, WireVarint);
        Varint(unchecked((ulong)value));
    }

    /// <summary>A float field.</summary>
    public void Float(int field, float value)
    {
        Tag(field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>A UTF-8 string field.</summary>
    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        Varint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>A packed repeated int64 field.</summary>
    public void PackedInt64(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtoWriter();
        foreach (long v in values) packed.Varint(unchecked((ulong)v));
        Message(field, packed);
    }

    /// <summary>A nested message field holding what <paramref name="message"/> has written.</summary>
    public void Message(int field, ProtoWriter message)
    {
        Tag(field, WireLengthDelimited);
        Varint((ulong)message._buffer.Length);
        message._buffer.Position = 0;
        message._buffer.CopyTo(_buffer);
    }

    /// <summary>Copies everything written to <paramref name="destination"/>.</summary>
    public void CopyTo(Stream destination)
    {
        _buffer.Position = 0;
        _buffer.CopyTo(destination);
    }

    /// <summary>Everything written, as an array.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
