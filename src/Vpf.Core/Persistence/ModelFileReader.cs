using Vpf.Core.Data;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Vpf.Core.Model;

namespace Vpf.Core.Persistence;

/// <summary>
/// Reads the format documented in <see cref="ModelFileWriter"/> from the complete bytes of a file. Order of checks:
/// magic (<see cref="ModelFileProblem.NotAModelFile"/>), version (<see cref="ModelFileProblem.UnsupportedVersion"/>),
/// declared vs actual length (shorter: <see cref="ModelFileProblem.Truncated"/>, naming the part that is cut;
/// longer: <see cref="ModelFileProblem.Corrupted"/>), checksum (<see cref="ModelFileProblem.Corrupted"/>), then the
/// structure and values (<see cref="ModelFileProblem.Invalid"/>).
/// </summary>
internal sealed class ModelFileReader
{
    private readonly string _path;
    private readonly byte[] _bytes;
    private int _position;
    private ushort _minor;
    private string _version = "";

    /// <summary>What running out of bytes means: the file is shorter than it says (Truncated), or its structure does not fit its length (Invalid).</summary>
    private ModelFileProblem _outOfBytes = ModelFileProblem.Truncated;

    private ModelFileReader(string path, byte[] bytes)
    {
        _path = path;
        _bytes = bytes;
    }

    /// <summary>Parses <paramref name="bytes"/>, the whole content of the file (or stream) named <paramref name="path"/>.</summary>
    public static (DeepBoltzmannMachine Model, ModelFileInfo Info) Read(string path, byte[] bytes) => new ModelFileReader(path, bytes).Read();

    private int Remaining => _bytes.Length - _position;

    private (DeepBoltzmannMachine, ModelFileInfo) Read()
    {
        var magic = ModelFileFormat.Magic;
        int prefix = Math.Min(_bytes.Length, magic.Length);
        if (!_bytes.AsSpan(0, prefix).SequenceEqual(magic[..prefix]))
            throw Fail(ModelFileProblem.NotAModelFile,
                $"expected the magic bytes \"VPFM\" ({Hex(magic)}) but found {Hex(_bytes.AsSpan(0, prefix))}.");
        Need(magic.Length, "the magic bytes \"VPFM\"");
        _position = magic.Length;

        Need(6, "the format version (3 × uint16)");
        ushort major = U16(), minor = U16(), patch = U16();
        _minor = minor;
        string found = $"{major}.{minor}.{patch}";
        _version = found;
        if (major != ModelFileFormat.Major)
            throw Fail(ModelFileProblem.UnsupportedVersion,
                $"it was written in format version {found} but this reader reads format {ModelFileFormat.Major}.x up to {ModelFileFormat.Version}"
                + (major > ModelFileFormat.Major ? "; a newer version of Vpf.Core is needed to read it." : "."));
        if (minor > ModelFileFormat.Minor)
            throw Fail(ModelFileProblem.UnsupportedVersion,
                $"it was written in format version {found}, newer than {ModelFileFormat.Version}, the newest this reader reads; a newer version of Vpf.Core is needed to read it.");

        Need(2 + 8, "the rest of the fixed header (reserved word and file length)");
        _position += 2;
        ulong declared = (ulong)I64(); // u64 in the format: 2^64 − 1 is a (wrong) length, not −1
        ulong actual = (ulong)_bytes.LongLength;
        if (actual > declared)
            throw Fail(ModelFileProblem.Corrupted, $"the header says the file is {declared} bytes long but it is {actual}.");
        if (actual == declared)
        {
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan(_bytes.Length - 4));
            uint computed = Crc32C.Compute(_bytes.AsSpan(0, _bytes.Length - 4));
            if (stored != computed)
                throw Fail(ModelFileProblem.Corrupted,
                    $"expected CRC-32C 0x{stored:X8} (stored at its end) but the content gives 0x{computed:X8}; some bytes were altered.");
            _outOfBytes = ModelFileProblem.Invalid;
        }

        var result = ReadBody();

        if (_outOfBytes == ModelFileProblem.Truncated)
            // The whole structure was there although the file is shorter than its header says: the length field is wrong.
            throw Fail(ModelFileProblem.Corrupted,
                $"the header says the file is {declared} bytes long but it is {actual}, although nothing in it is cut off.");
        return result;
    }

    private (DeepBoltzmannMachine, ModelFileInfo) ReadBody()
    {
        Need(4, "the layer count (int32)");
        int layers = I32();
        if (layers < 1)
            throw Fail(ModelFileProblem.Invalid, $"expected at least 1 layer but the header says {layers}.");
        Need(4L * layers, $"the layer sizes ({layers} × int32)");
        var sizes = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            sizes[l] = I32();
            if (sizes[l] < 1)
                throw Fail(ModelFileProblem.Invalid, $"expected every layer size ≥ 1 but layer {l} has {sizes[l]}.");
        }
        Need(layers, $"the lateral flags ({layers} bytes)");
        var lateral = new bool[layers];
        for (int l = 0; l < layers; l++)
        {
            byte flag = _bytes[_position++];
            if (flag > 1)
                throw Fail(ModelFileProblem.Invalid, $"expected lateral flag 0 or 1 but layer {l} has {flag}.");
            lateral[l] = flag == 1;
        }

        var slots = ModelFileFormat.Slots(sizes, lateral);
        foreach (var slot in slots)
            if (slot.Count > Array.MaxLength)
                throw Fail(ModelFileProblem.Invalid, $"{slot.Name} ({slot.Shape}) has {slot.Count} elements, more than an array can hold.");
        Need(4, "the tensor count (int32)");
        int tensorCount = I32();
        if (tensorCount != slots.Count)
            throw Fail(ModelFileProblem.Invalid, $"expected {slots.Count} tensors for architecture {Describe(sizes, lateral)} but the header says {tensorCount}.");

        // Every tensor's bytes must be present before anything the size of the model is allocated.
        if (Model.Architecture.CountParameters(sizes, lateral) is not { } parameterCount || parameterCount > Model.Architecture.MaxParameters)
            throw Fail(ModelFileProblem.Invalid,
                $"architecture {Describe(sizes, lateral)} has more than the {Model.Architecture.MaxParameters:N0} parameters this reader accepts.");
        NeedTensors(slots);
        var parameters = new ParameterSet(new Model.Architecture(sizes, lateral));
        int i = 0;
        foreach (var tensor in parameters.Tensors)
            ReadTensor(slots[i++], tensor);

        Need(4, "the info length (int32)");
        int infoLength = I32();
        if (infoLength < 0)
            throw Fail(ModelFileProblem.Invalid, $"expected an info length ≥ 0 but found {infoLength}.");
        Need(infoLength, $"the info block ({infoLength} bytes of JSON)");
        var info = ParseInfo(_bytes.AsSpan(_position, infoLength));
        _position += infoLength;

        var visibleUnits = VisibleUnitKind.Binary;
        if (_minor >= 1)
        {
            Need(1, "the visible unit kind (1 byte, format ≥ 1.1)");
            byte kind = _bytes[_position++];
            if (!Enum.IsDefined((VisibleUnitKind)kind))
                throw Fail(ModelFileProblem.Invalid, $"expected visible unit kind 0 (binary) or 1 (Gaussian) but found {kind}.");
            visibleUnits = (VisibleUnitKind)kind;
            if (visibleUnits == VisibleUnitKind.Gaussian && lateral[0])
                throw Fail(ModelFileProblem.Invalid, "a Gaussian visible layer cannot have lateral weights but layer 0 has them.");
            parameters = parameters.WithArchitecture(new Model.Architecture(sizes, lateral, visibleUnits));
        }
        if (_minor >= 2)
            info = info with { Standardisation = ReadStandardisation(sizes[0], visibleUnits) };
        info = info with { FormatVersion = _version };

        if (Remaining < ModelFileFormat.ChecksumLength)
            throw Fail(_outOfBytes, $"expected a 4-byte CRC-32C checksum at offset {_position} but the file ends after {Remaining} of its bytes.");
        if (_outOfBytes == ModelFileProblem.Invalid && Remaining != ModelFileFormat.ChecksumLength)
            throw Fail(ModelFileProblem.Invalid, $"expected the checksum right after the {(_minor >= 2 ? "standardisation" : _minor >= 1 ? "visible unit kind" : "info block")} at offset {_position} but {Remaining - 4} more bytes follow.");

        if (ModelFileFormat.FindProblem(parameters) is { } problem)
            throw Fail(ModelFileProblem.Invalid, problem);
        return (new DeepBoltzmannMachine(parameters), info);
    }

    /// <summary>The standardisation of a format ≥ 1.2 file: D = n_0 means and scales, each checked as the type requires.</summary>
    private Standardisation ReadStandardisation(int visible, VisibleUnitKind visibleUnits)
    {
        Need(4, "the standardisation's column count (int32, format ≥ 1.2)");
        int columns = I32();
        if (columns != visible)
            throw Fail(ModelFileProblem.Invalid, $"expected a standardisation of {visible} columns (the visible units) but the file says {columns}.");
        if (visibleUnits != VisibleUnitKind.Gaussian)
            throw Fail(ModelFileProblem.Invalid, "the file stores a standardisation but its visible units are binary; a standardisation belongs to Gaussian visible units.");
        Need(8L * columns, $"the standardisation ({columns} means and {columns} scales, float32)");
        var means = new float[columns];
        var scales = new float[columns];
        for (int c = 0; c < columns; c++) means[c] = F32();
        for (int c = 0; c < columns; c++) scales[c] = F32();
        try
        {
            return new Standardisation(means, scales);
        }
        catch (ArgumentException e)
        {
            throw Fail(ModelFileProblem.Invalid, $"the standardisation is invalid: {e.Message.Split(" (Parameter")[0]}", e);
        }
    }

    private float F32()
    {
        float v = BinaryPrimitives.ReadSingleLittleEndian(_bytes.AsSpan(_position));
        _position += 4;
        return v;
    }

    private void ReadTensor(ModelFileFormat.TensorSlot slot, float[] tensor)
    {
        Need(1, $"the name of tensor {slot.Name}");
        int nameLength = _bytes[_position++];
        Need(nameLength, $"the name of tensor {slot.Name} ({nameLength} bytes)");
        string name = Encoding.ASCII.GetString(_bytes, _position, nameLength);
        _position += nameLength;
        if (name != slot.Name)
            throw Fail(ModelFileProblem.Invalid, $"expected tensor {slot.Name} ({slot.Shape}) next but found '{name}'.");
        Need(8, $"the element count of {slot.Name} (int64)");
        long count = I64();
        if (count != slot.Count)
            throw Fail(ModelFileProblem.Invalid, $"expected {slot.Count} elements in {slot.Name} ({slot.Shape}) but the file says {count}.");
        Need(4 * count, $"{slot.Name} ({slot.Shape})");
        var source = _bytes.AsSpan(_position, 4 * tensor.Length);
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.Cast<byte, float>(source).CopyTo(tensor);
        else
            for (int k = 0; k < tensor.Length; k++) tensor[k] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * k)..]);
        _position += source.Length;
    }

    private ModelFileInfo ParseInfo(ReadOnlySpan<byte> json)
    {
        try
        {
            var info = JsonSerializer.Deserialize<ModelFileInfo>(json, ModelFileFormat.InfoJson)
                ?? throw Fail(ModelFileProblem.Invalid, "expected a JSON object in the info block but found null.");
            return info.Notes is null ? info with { Notes = new Dictionary<string, string>() } : info;
        }
        catch (JsonException e)
        {
            throw Fail(ModelFileProblem.Invalid, $"the info block is not valid JSON of a ModelFileInfo: {e.Message}", e);
        }
    }

    /// <summary>
    /// Walks the tensor layout by arithmetic alone and throws, as <see cref="Need"/> would while reading, at the first
    /// part the bytes present do not cover: a lying header costs no allocation.
    /// </summary>
    private void NeedTensors(List<ModelFileFormat.TensorSlot> slots)
    {
        long p = _position;
        void Check(long count, string what)
        {
            if (_bytes.Length - p < count)
                throw Fail(_outOfBytes, $"expected {count} bytes of {what} at offset {p} but the file ends after {_bytes.Length - p}.");
            p += count;
        }
        foreach (var slot in slots)
        {
            Check(1, $"the name of tensor {slot.Name}");
            Check(slot.Name.Length, $"the name of tensor {slot.Name} ({slot.Name.Length} bytes)");
            Check(8, $"the element count of {slot.Name} (int64)");
            Check(4 * slot.Count, $"{slot.Name} ({slot.Shape})");
        }
        Check(4, "the info length (int32)");
    }

    /// <summary>Throws <see cref="_outOfBytes"/> unless <paramref name="count"/> more bytes are there.</summary>
    private void Need(long count, string what)
    {
        if (Remaining < count)
            throw Fail(_outOfBytes,
                $"expected {count} bytes of {what} at offset {_position} but the file ends after {Remaining}.");
    }

    private ushort U16()
    {
        ushort v = BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(_position));
        _position += 2;
        return v;
    }

    private int I32()
    {
        int v = BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(_position));
        _position += 4;
        return v;
    }

    private long I64()
    {
        long v = BinaryPrimitives.ReadInt64LittleEndian(_bytes.AsSpan(_position));
        _position += 8;
        return v;
    }

    private ModelFileException Fail(ModelFileProblem problem, string detail, Exception? inner = null) =>
        ModelFileException.For(_path, problem, detail, inner);

    private static string Hex(ReadOnlySpan<byte> bytes) =>
        bytes.IsEmpty ? "an empty file" : string.Join(" ", bytes.ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    private static string Describe(int[] sizes, bool[] lateral) =>
        string.Join("-", sizes.Select((n, l) => lateral[l] ? $"{n}L" : n.ToString(CultureInfo.InvariantCulture)));
}
