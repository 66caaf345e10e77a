using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vpf.Onnx;

/// <summary>A constant float tensor of the graph (an initializer): name, shape and row-major values.</summary>
internal sealed class OnnxTensor
{
    // onnx.proto TensorProto field numbers.
    private const int DimsField = 1, DataTypeField = 2, NameField = 8, RawDataField = 9;

    /// <summary>TensorProto.DataType.FLOAT.</summary>
    public const int FloatType = 1;

    public OnnxTensor(string name, long[] dims, float[] values)
    {
        long count = 1;
        foreach (long d in dims) count *= d;
        if (count != values.Length)
            throw new ArgumentException($"Tensor '{name}' has shape [{string.Join(", ", dims)}] ({count} values) but {values.Length} values were given.", nameof(values));
        Name = name;
        Dims = dims;
        Values = values;
    }

    public string Name { get; }

    public long[] Dims { get; }

    public float[] Values { get; }

    /// <summary>Writes a TensorProto with the values as little-endian raw_data.</summary>
    public void WriteTo(ProtoWriter writer)
    {
        writer.PackedInt64(DimsField, Dims);
        writer.Int64(DataTypeField, FloatType);
        writer.String(NameField, Name);
        if (BitConverter.IsLittleEndian)
            writer.Bytes(RawDataField, MemoryMarshal.AsBytes(Values.AsSpan()));
        else
        {
            var raw = new byte[Values.Length * sizeof(float)];
            for (int i = 0; i < Values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), Values[i]);
            writer.Bytes(RawDataField, raw);
        }
    }
}
