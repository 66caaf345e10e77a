using Vpf.Core.Data;
using System.Buffers.Binary;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Persistence;

/// <summary>Every bad model file gives a <see cref="ModelFileException"/> with the right problem and a message naming the file.</summary>
public sealed class ModelFileErrorTests : IDisposable
{
    private static readonly Architecture Arch = TinyModels.Parse("3-2L");
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A valid file for <see cref="Arch"/>, as bytes.</summary>
    private byte[] ValidBytes()
    {
        string path = _folder.File("valid.vpf");
        ModelFile.Save(path, TinyModels.Random(Arch, 5), new ModelFileInfo { TrainingMethod = "CD-1", Notes = new Dictionary<string, string> { ["k"] = "v" } });
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static ModelFileException Expect(ModelFileProblem problem, string path, params string[] messageParts)
    {
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Equal(problem, e.Problem);
        Assert.Equal(path, e.FilePath);
        Assert.Contains($"Model file '{Path.GetFileName(path)}'", e.Message);
        foreach (string part in messageParts) Assert.Contains(part, e.Message);

        // The stream overload classifies the same bytes the same way.
        if (problem == ModelFileProblem.Missing) return e;
        using var stream = File.OpenRead(path);
        var s = Assert.Throws<ModelFileException>(() => ModelFile.Load(stream, Path.GetFileName(path)));
        Assert.Equal(problem, s.Problem);
        return e;
    }

    public enum Cut { InMagic, InVersion, InLengthField, InLayerCount, InLayerSizes, InLateralFlags, InTensorName, InW0, InL1, InInfoLength, InInfo, InChecksum, LastByte }

    private static int Offset(Cut cut, int length) => cut switch
    {
        Cut.InMagic => 2,
        Cut.InVersion => 7,
        Cut.InLengthField => 15,
        Cut.InLayerCount => 22,
        Cut.InLayerSizes => 29,
        Cut.InLateralFlags => Layout.SizesOffset + 4 * Arch.LayerCount + 1,
        Cut.InTensorName => Layout.DataOffset(Arch, "W0") - 10,
        Cut.InW0 => Layout.DataOffset(Arch, "W0") + 10,
        Cut.InL1 => Layout.DataOffset(Arch, "L1") + 4,
        Cut.InInfoLength => Layout.InfoOffset(Arch) + 2,
        Cut.InInfo => Layout.InfoOffset(Arch) + 4 + 5,
        Cut.InChecksum => length - 2,
        Cut.LastByte => length - 1,
        _ => throw new ArgumentOutOfRangeException(nameof(cut)),
    };

    [Theory]
    [InlineData(Cut.InMagic, "magic")]
    [InlineData(Cut.InVersion, "version")]
    [InlineData(Cut.InLengthField, "file length")]
    [InlineData(Cut.InLayerCount, "layer count")]
    [InlineData(Cut.InLayerSizes, "layer sizes")]
    [InlineData(Cut.InLateralFlags, "lateral flags")]
    [InlineData(Cut.InTensorName, "W0")]
    [InlineData(Cut.InW0, "bytes of W0 (3×2 float32)")]
    [InlineData(Cut.InL1, "bytes of L1 (2×2 float32)")]
    [InlineData(Cut.InInfoLength, "info length")]
    [InlineData(Cut.InInfo, "info block")]
    [InlineData(Cut.InChecksum, "checksum")]
    [InlineData(Cut.LastByte, "checksum")]
    public void A_truncated_file_says_which_part_is_cut(Cut cut, string part)
    {
        byte[] bytes = ValidBytes();
        int at = Offset(cut, bytes.Length);
        string path = Write("cut.vpf", bytes[..at]);

        Expect(ModelFileProblem.Truncated, path, "is truncated", part, "ends after");
    }

    [Fact]
    public void An_empty_file_is_truncated()
    {
        Expect(ModelFileProblem.Truncated, Write("empty.vpf", []), "ends after 0");
    }

    [Fact]
    public void A_truncated_large_tensor_says_expected_and_found_bytes()
    {
        string path = _folder.File("m.vpf");
        var arch = Architecture.Rbm(784, 500);
        ModelFile.Save(path, DeepBoltzmannMachine.CreateRandom(arch, 1));
        byte[] bytes = File.ReadAllBytes(path);
        int w0 = Layout.DataOffset(arch, "W0");
        File.WriteAllBytes(path, bytes[..(w0 + 1200)]);

        var e = Expect(ModelFileProblem.Truncated, path);
        Assert.Equal($"Model file 'm.vpf' is truncated: expected 1568000 bytes of W0 (784×500 float32) at offset {w0} but the file ends after 1200.", e.Message);
    }

    [Theory]
    [InlineData("W0", 0)]
    [InlineData("W0", 23)]
    [InlineData("b1", 1)]
    [InlineData("L1", 9)]
    public void One_flipped_bit_in_a_tensor_is_corruption(string tensor, int byteInTensor)
    {
        byte[] bytes = ValidBytes();
        bytes[Layout.DataOffset(Arch, tensor) + byteInTensor] ^= 0x10;
        string path = Write("flipped.vpf", bytes);

        Expect(ModelFileProblem.Corrupted, path, "is corrupted", "CRC-32C");
    }

    [Theory]
    [InlineData(Layout.SizesOffset)]        // a layer size
    [InlineData(Layout.LayerCountOffset)]   // the layer count
    [InlineData(-3)]                        // the checksum itself
    public void One_flipped_byte_elsewhere_is_corruption(int offset)
    {
        byte[] bytes = ValidBytes();
        bytes[offset < 0 ? bytes.Length + offset : offset] ^= 0x01;
        Expect(ModelFileProblem.Corrupted, Write("flipped.vpf", bytes), "is corrupted");
    }

    [Fact]
    public void A_wrong_length_field_is_corruption_not_truncation()
    {
        byte[] bytes = ValidBytes();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Layout.LengthOffset), bytes.Length + 100);
        Expect(ModelFileProblem.Corrupted, Write("longer.vpf", bytes), "is corrupted", $"{bytes.Length + 100} bytes", "nothing in it is cut off");
    }

    [Fact]
    public void The_largest_length_field_is_reported_as_the_unsigned_number_it_is()
    {
        byte[] bytes = ValidBytes();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(Layout.LengthOffset), ulong.MaxValue);
        var e = Expect(ModelFileProblem.Corrupted, Write("huge.vpf", bytes), "is corrupted", "18446744073709551615 bytes");
        Assert.DoesNotContain("-1 bytes", e.Message);
    }

    [Fact]
    public void Bytes_after_the_checksum_are_corruption()
    {
        byte[] bytes = [.. ValidBytes(), 0];
        Expect(ModelFileProblem.Corrupted, Write("appended.vpf", bytes), "is corrupted", $"{bytes.Length - 1} bytes long but it is {bytes.Length}");
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0 }, "50 4B 03 04")]   // a ZIP (say, an .npz export)
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A }, "89 50 4E 47")]   // a PNG
    [InlineData(new byte[] { 0x56, 0x50, 0x46, 0x58, 1, 0 }, "56 50 46 58")]         // "VPFX"
    [InlineData(new byte[] { 0x41 }, "41")]                                           // one byte, already wrong
    public void Wrong_magic_is_not_a_model_file(byte[] start, string found)
    {
        byte[] bytes = [.. start, .. new byte[64]];
        if (start.Length == 1) bytes = start;
        Expect(ModelFileProblem.NotAModelFile, Write("other.bin", bytes), "is not a model file", "VPFM", found);
    }

    [Theory]
    [InlineData(2, 0, 0, "2.0.0", "newer version")]
    [InlineData(0, 9, 0, "0.9.0", "reads format 1.x")]
    [InlineData(1, 3, 0, "1.3.0", "newer than 1.2.0")]
    public void Another_major_or_a_newer_minor_version_is_unsupported(int major, int minor, int patch, string found, string hint)
    {
        byte[] bytes = ValidBytes();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), (ushort)major);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)minor);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)patch);
        Layout.FixChecksum(bytes);
        string path = Write("future.vpf", bytes);

        var e = Expect(ModelFileProblem.UnsupportedVersion, path, "unsupported format version", found, "1.2.0", hint);
        Assert.DoesNotContain("corrupt", e.Message);
    }

    [Fact]
    public void A_newer_patch_version_is_read()
    {
        byte[] bytes = ValidBytes();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 7);
        Layout.FixChecksum(bytes);
        var (model, info) = ModelFile.LoadWithInfo(Write("patch.vpf", bytes));
        Assert.Equal(Arch, model.Architecture);
        Assert.Equal("CD-1", info.TrainingMethod);
    }

    [Fact]
    public void A_missing_file_is_missing()
    {
        Expect(ModelFileProblem.Missing, _folder.File("nothing-here.vpf"), "does not exist");
        Expect(ModelFileProblem.Missing, Path.Combine(_folder.Path, "no-folder", "m.vpf"), "does not exist");
    }

    [Fact]
    public void A_folder_is_unreadable()
    {
        string path = _folder.File("folder.vpf");
        Directory.CreateDirectory(path);
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Equal(ModelFileProblem.Unreadable, e.Problem);
        Assert.Contains("folder.vpf", e.Message);
    }

    [Fact]
    public void An_asymmetric_lateral_matrix_with_a_valid_checksum_is_invalid()
    {
        byte[] bytes = ValidBytes();
        int l1 = Layout.DataOffset(Arch, "L1");
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(l1 + 4), 0.25f);   // L1[0,1]
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(l1 + 8), -0.25f);  // L1[1,0]
        Layout.FixChecksum(bytes);
        Expect(ModelFileProblem.Invalid, Write("asym.vpf", bytes), "is invalid", "L1[0,1] is 0.25 but L1[1,0] is -0.25", "symmetric");
    }

    [Fact]
    public void A_non_zero_lateral_diagonal_is_invalid()
    {
        byte[] bytes = ValidBytes();
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(Layout.DataOffset(Arch, "L1") + 12), 1f);   // L1[1,1]
        Layout.FixChecksum(bytes);
        Expect(ModelFileProblem.Invalid, Write("diag.vpf", bytes), "is invalid", "L1[1,1]", "zero diagonal");
    }

    [Fact]
    public void A_nan_parameter_is_invalid()
    {
        byte[] bytes = ValidBytes();
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(Layout.DataOffset(Arch, "W0") + 4 * 3), float.NaN);   // W0[1,1]
        Layout.FixChecksum(bytes);
        Expect(ModelFileProblem.Invalid, Write("nan.vpf", bytes), "is invalid", "W0[1,1] is NaN");
    }

    [Fact]
    public void A_negative_layer_size_is_invalid()
    {
        byte[] bytes = ValidBytes();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(Layout.SizesOffset + 4), -2);
        Layout.FixChecksum(bytes);
        Expect(ModelFileProblem.Invalid, Write("negative.vpf", bytes), "is invalid", "layer 1 has -2");
    }

    [Fact]
    public void Sizes_that_disagree_with_the_tensors_are_invalid()
    {
        byte[] bytes = ValidBytes();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(Layout.SizesOffset), 4);   // 4-2L, but W0 holds 6 floats
        Layout.FixChecksum(bytes);
        Expect(ModelFileProblem.Invalid, Write("sizes.vpf", bytes), "is invalid", "expected 8 elements in W0 (4×2 float32) but the file says 6");
    }

    [Fact]
    public void Broken_info_json_is_invalid()
    {
        byte[] bytes = ValidBytes();
        bytes[Layout.InfoOffset(Arch) + 4] = (byte)'[';
        Layout.FixChecksum(bytes);
        Expect(ModelFileProblem.Invalid, Write("info.vpf", bytes), "is invalid", "info block");
    }

    [Fact]
    public void Info_properties_from_a_later_writer_are_ignored()
    {
        byte[] bytes = ValidBytes();
        int at = Layout.InfoOffset(Arch);
        int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        string json = System.Text.Encoding.UTF8.GetString(bytes, at + 4, length);
        byte[] extended = System.Text.Encoding.UTF8.GetBytes(json.TrimEnd('}') + ",\"hardware\":{\"gpu\":\"none\"},\"someday\":[1,2]}");
        byte[] file = [.. bytes[..at], .. BitConverter.GetBytes(extended.Length), .. extended, 0, 0, 0, 0];
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(Layout.LengthOffset), file.Length);
        Layout.FixChecksum(file);

        var (_, info) = ModelFile.LoadWithInfo(Write("later.vpf", file));
        Assert.Equal("CD-1", info.TrainingMethod);
        Assert.Equal("v", info.Notes["k"]);
    }

    [Fact]
    public void Crc32c_matches_its_check_value_on_both_paths()
    {
        byte[] check = "123456789"u8.ToArray();
        var data = new byte[1000];
        new Random(1).NextBytes(data);
        uint hardware = Crc32C.Compute(data);
        Assert.Equal(0xE3069283u, Crc32C.Compute(check));
        Crc32C.DisableHardware = true;
        try
        {
            Assert.Equal(0xE3069283u, Crc32C.Compute(check));
            Assert.Equal(hardware, Crc32C.Compute(data));
        }
        finally { Crc32C.DisableHardware = false; }
    }
}
