using System.Security.Cryptography;
using System.Text;

namespace Vpf.Onnx;

/// <summary>
/// A SHA-256 of a serialised ONNX model carried in the model itself, as a <c>metadata_props</c> entry appended after
/// every other field (protobuf merges fields appended to a message, so the result is still one valid ModelProto): the
/// checksum covers the graph, its weights and every attribute, and a reader can tell a damaged file from a good one.
/// </summary>
internal static class OnnxIntegrity
{
    /// <summary>The metadata key of the checksum: lower-case hex SHA-256 of the model bytes before the first metadata entry.</summary>
    public const string ChecksumKey = "vpf.sha256";

    /// <summary>The producer name this library writes (ModelProto.producer_name).</summary>
    public const string Producer = "Vpf.Onnx";

    private const int ProducerNameField = 2, MetadataPropsField = 14, EntryKeyField = 1, EntryValueField = 2;

    /// <summary><paramref name="model"/> followed by its checksum entry.</summary>
    public static byte[] Seal(byte[] model)
    {
        var entry = new ProtoWriter();
        entry.String(EntryKeyField, ChecksumKey);
        entry.String(EntryValueField, Convert.ToHexStringLower(SHA256.HashData(model)));
        var tail = new ProtoWriter();
        tail.Message(MetadataPropsField, entry);
        return [.. model, .. tail.ToArray()];
    }

    /// <summary>
    /// Null when <paramref name="model"/> is intact: its checksum matches, or it carries none, was not written by this
    /// library (another tool's model) and <paramref name="requireChecksum"/> is false. Otherwise what is wrong, in words.
    /// </summary>
    /// <remarks>
    /// A flipped bit in a length or tag near the start can hide both the producer name and the checksum from this
    /// parser, so a file that must be one of ours (<see cref="VpfOnnxExport.Verify"/>) requires the checksum.
    /// </remarks>
    public static string? Problem(ReadOnlySpan<byte> model, bool requireChecksum = false)
    {
        int position = 0, metadataStart = -1;
        string? stored = null, producer = null;
        while (position < model.Length)
        {
            int fieldStart = position;
            if (!TryVarint(model, ref position, out ulong tag))
                return $"the ONNX model ends inside a field tag at byte {fieldStart}";
            int field = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                    if (!TryVarint(model, ref position, out _)) return $"the ONNX model ends inside field {field}";
                    break;
                case 1 or 5:
                    position += wire == 1 ? 8 : 4;
                    break;
                case 2:
                    if (!TryVarint(model, ref position, out ulong length) || length > (ulong)(model.Length - position))
                        return $"field {field} at byte {fieldStart} runs past the end of the ONNX model";
                    var value = model.Slice(position, (int)length);
                    if (field == ProducerNameField) producer = Encoding.UTF8.GetString(value);
                    if (field == MetadataPropsField)
                    {
                        if (metadataStart < 0) metadataStart = fieldStart;
                        if (Entry(value) is (ChecksumKey, string checksum)) stored = checksum;
                    }
                    position += (int)length;
                    break;
                default:
                    return $"field {field} at byte {fieldStart} has the unknown wire type {wire}";
            }
            if (position > model.Length) return $"field {field} at byte {fieldStart} runs past the end of the ONNX model";
        }
        if (stored is null)
            return requireChecksum || producer == Producer ? $"the ONNX model carries no '{ChecksumKey}' checksum (every model {Producer} writes has one)" : null;
        string actual = Convert.ToHexStringLower(SHA256.HashData(model[..metadataStart]));
        return actual == stored ? null : $"the ONNX model's SHA-256 is {actual} but it records {stored}: it changed after it was written";
    }

    private static (string Key, string Value)? Entry(ReadOnlySpan<byte> message)
    {
        string? key = null, value = null;
        int position = 0;
        while (position < message.Length)
        {
            if (!TryVarint(message, ref position, out ulong tag) || (tag & 7) != 2) return null;
            if (!TryVarint(message, ref position, out ulong length) || length > (ulong)(message.Length - position)) return null;
            string text = Encoding.UTF8.GetString(message.Slice(position, (int)length));
            position += (int)length;
            if (tag >> 3 == EntryKeyField) key = text;
            else if (tag >> 3 == EntryValueField) value = text;
        }
        return key is null || value is null ? null : (key, value);
    }

    private static bool TryVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }
}
