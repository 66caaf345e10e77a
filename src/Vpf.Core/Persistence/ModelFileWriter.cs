using Vpf.Core.Data;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Vpf.Core.Model;

namespace Vpf.Core.Persistence;

// *** Binary format *** (version 1.2.0; each model is written in the oldest version that holds it: 1.0.0 for binary
// visible units, byte for byte as before, 1.1.0 for Gaussian visible units without a standardisation)
//
// Every integer and float is little-endian. Offsets for a model with N layers:
//
//   offset    bytes   field
//   0         4       magic "VPFM" (56 50 46 4D)
//   4         2       format major version, u16   a reader accepts files of its own major version and a minor
//   6         2       format minor version, u16   version ≤ its own; it refuses any other major (or a newer minor)
//   8         2       format patch version, u16   naming both versions. Patch changes never alter the layout.
//   10        2       reserved, u16, 0
//   12        8       total file length in bytes, checksum included, u64 (tells truncation from corruption)
//   20        4       layer count N ≥ 1, i32
//   24        4·N     layer sizes n_0 (visible) … n_{N−1}, each i32 ≥ 1
//   24+4N     N       lateral flags, one byte per layer, 0 or 1
//   24+5N     4       tensor count T = (N − 1) + N + (number of lateral layers), i32
//   28+5N     …       T tensors in the order W_0 … W_{N−2}, b_0 … b_{N−1}, then L_l for each lateral layer l ascending:
//                       1        name length k, u8
//                       k        name, ASCII: "W0", "b2", "L1"
//                       8        element count, i64: n_l·n_{l+1} for W_l, n_l for b_l, n_l·n_l for L_l
//                       4·count  values, float32, row-major (W_l[k, j] joins unit k of layer l to unit j of l + 1)
//   …         4       info length m, i32 ≥ 0
//   …         m       info: UTF-8 JSON of ModelFileInfo (camelCase; readers ignore properties they do not know)
//   …         1       format ≥ 1.1 only: visible unit kind, u8: 0 binary, 1 Gaussian (a 1.0 file has binary visible units)
//   …         4       format ≥ 1.2 only: the standardisation of the data (ModelFileInfo.Standardisation), column count D = n_0, i32
//   …         4·D     its column means μ, float32, each finite
//   …         4·D     its column scales s, float32, each finite and > 0 (a 1.2 file has Gaussian visible units)
//   …         4       CRC-32C (Castagnoli) of every byte before it, u32
//
// Every parameter is finite and every L_l is symmetric with a zero diagonal: the writer refuses anything else and the
// reader reports it as ModelFileProblem.Invalid. A new optional field goes into the info JSON (no version change) or
// after the tensors with a minor version bump; anything an old reader would misread needs a new major version.

/// <summary>Writes the model file format above to a stream, computing the checksum on the way.</summary>
internal static class ModelFileWriter
{
    private const int BufferSize = 1 << 16;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the model cannot be stored (wrong tensor lengths, NaN/∞, a bad lateral
    /// matrix), or when <paramref name="info"/>'s standardisation does not fit it (another column count than the visible
    /// layer, or binary visible units).
    /// </summary>
    public static void Validate(DeepBoltzmannMachine model, string paramName, ModelFileInfo? info = null)
    {
        ArgumentNullException.ThrowIfNull(model, paramName);
        if (ModelFileFormat.FindProblem(model.Parameters) is { } problem)
            throw new ArgumentException($"The model cannot be saved: {problem}", paramName);
        if (info?.Standardisation is { } standardisation)
        {
            var arch = model.Architecture;
            if (!arch.HasGaussianVisible)
                throw new ArgumentException(
                    "The model cannot be saved with a standardisation: its visible units are binary; a standardisation maps data to Gaussian visible units.", nameof(info));
            if (standardisation.Dimension != arch.VisibleSize)
                throw new ArgumentException(
                    $"The model cannot be saved with a standardisation of {standardisation.Dimension} columns: it has {arch.VisibleSize} visible units.", nameof(info));
        }
    }

    /// <summary>Writes <paramref name="model"/> (already validated) and <paramref name="info"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, DeepBoltzmannMachine model, ModelFileInfo info)
    {
        var arch = model.Architecture;
        var slots = ModelFileFormat.Slots(arch.LayerSizes, arch.HasLateral);
        byte[] infoBytes = JsonSerializer.SerializeToUtf8Bytes(info, ModelFileFormat.InfoJson);
        int n = arch.LayerCount;

        long total = ModelFileFormat.FixedHeaderLength + 4 + 5L * n + 4;
        foreach (var slot in slots) total += 1 + Encoding.ASCII.GetByteCount(slot.Name) + 8 + 4 * slot.Count;
        total += 4 + infoBytes.Length + ModelFileFormat.ChecksumLength;
        // The oldest version that holds the model: old readers keep reading binary models.
        var standardisation = info.Standardisation;
        bool withKind = arch.VisibleUnits != VisibleUnitKind.Binary || standardisation is not null;
        if (withKind) total += 1;
        if (standardisation is not null) total += 4 + 8L * standardisation.Dimension;
        ushort minor = standardisation is not null ? ModelFileFormat.Minor : withKind ? (ushort)1 : (ushort)0;

        var output = new ChecksummedOutput(stream);
        output.Write(ModelFileFormat.Magic);
        output.WriteUInt16(ModelFileFormat.Major);
        output.WriteUInt16(minor);
        output.WriteUInt16(ModelFileFormat.Patch);
        output.WriteUInt16(0);
        output.WriteInt64(total);
        output.WriteInt32(n);
        foreach (int size in arch.LayerSizes) output.WriteInt32(size);
        foreach (bool lateral in arch.HasLateral) output.WriteByte(lateral ? (byte)1 : (byte)0);
        output.WriteInt32(slots.Count);
        int i = 0;
        foreach (var tensor in model.Parameters.Tensors)
        {
            var slot = slots[i++];
            byte[] name = Encoding.ASCII.GetBytes(slot.Name);
            output.WriteByte((byte)name.Length);
            output.Write(name);
            output.WriteInt64(tensor.Length);
            output.WriteFloats(tensor);
        }
        output.WriteInt32(infoBytes.Length);
        output.Write(infoBytes);
        if (withKind) output.WriteByte((byte)arch.VisibleUnits);
        if (standardisation is not null)
        {
            output.WriteInt32(standardisation.Dimension);
            output.WriteFloats([.. standardisation.Means]);
            output.WriteFloats([.. standardisation.Scales]);
        }
        output.FinishWithChecksum();
        if (output.Position != total)
            throw new InvalidOperationException($"Model file writer bug: wrote {output.Position} bytes, computed {total}.");
    }

    /// <summary>Buffers writes to a stream and keeps a CRC-32C of everything written.</summary>
    private sealed class ChecksummedOutput(Stream stream)
    {
        private readonly byte[] _buffer = new byte[BufferSize];
        private int _used;
        private Crc32C _crc = new();

        public long Position { get; private set; }

        public void WriteByte(byte value) => Write([value]);

        public void WriteUInt16(ushort value)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, value);
            Write(b);
        }

        public void WriteInt32(int value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, value);
            Write(b);
        }

        public void WriteInt64(long value)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(b, value);
            Write(b);
        }

        public void WriteFloats(ReadOnlySpan<float> values)
        {
            if (BitConverter.IsLittleEndian)
            {
                Write(MemoryMarshal.AsBytes(values));
                return;
            }
            Span<byte> b = stackalloc byte[4];
            foreach (float x in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(b, x);
                Write(b);
            }
        }

        public void Write(ReadOnlySpan<byte> data)
        {
            Position += data.Length;
            while (data.Length > 0)
            {
                int take = Math.Min(data.Length, _buffer.Length - _used);
                data[..take].CopyTo(_buffer.AsSpan(_used));
                _used += take;
                data = data[take..];
                if (_used == _buffer.Length) Flush();
            }
        }

        /// <summary>Writes the buffered bytes, then the checksum of everything (which is not itself checksummed).</summary>
        public void FinishWithChecksum()
        {
            Flush();
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, _crc.Value);
            stream.Write(b);
            Position += 4;
        }

        private void Flush()
        {
            _crc.Append(_buffer.AsSpan(0, _used));
            stream.Write(_buffer, 0, _used);
            _used = 0;
        }
    }
}
