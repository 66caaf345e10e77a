using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Persistence;

/// <summary>The .npz export, read back by a minimal .npy parser written here from the NPY 1.0 specification.</summary>
public sealed partial class NpzExportTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>One parsed .npy: its header fields, the length of the whole header, and the values.</summary>
    private sealed record Npy(string Descr, bool FortranOrder, int[] Shape, int HeaderLength, string HeaderText, float[] Values);

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    /// <summary>Parses an NPY 1.0 file of little-endian float32 (the only kind the export writes).</summary>
    private static Npy ParseNpy(byte[] file)
    {
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }, file[..6]);
        Assert.Equal(1, file[6]);   // major
        Assert.Equal(0, file[7]);   // minor
        int headerLength = file[8] | (file[9] << 8);
        string text = Encoding.ASCII.GetString(file, 10, headerLength);
        Assert.StartsWith("{", text);
        Assert.EndsWith("\n", text);

        string descr = DescrPattern().Match(text) is { Success: true } d ? d.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no descr in {text}");
        bool fortran = FortranPattern().Match(text) is { Success: true } f ? f.Groups[1].Value == "True" : throw new Xunit.Sdk.XunitException($"no fortran_order in {text}");
        string shapeText = ShapePattern().Match(text) is { Success: true } s ? s.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no shape in {text}");
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();

        int dataStart = 10 + headerLength;
        long count = shape.Aggregate(1L, (a, b) => a * b);
        Assert.Equal(dataStart + 4 * count, file.Length);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            int at = dataStart + 4 * i;
            int bits = file[at] | (file[at + 1] << 8) | (file[at + 2] << 16) | (file[at + 3] << 24);
            values[i] = BitConverter.Int32BitsToSingle(bits);
        }
        return new Npy(descr, fortran, shape, dataStart, text, values);
    }

    private static Dictionary<string, Npy> ReadNpz(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var arrays = new Dictionary<string, Npy>();
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            arrays.Add(entry.FullName, ParseNpy(buffer.ToArray()));
        }
        return arrays;
    }

    [Theory]
    [InlineData("784-50", false)]
    [InlineData("3-2", true)]
    [InlineData("2-3L-4-2L", false)]
    [InlineData("5L", true)]
    [InlineData("1", false)]
    public void Every_parameter_is_exported_with_its_name_shape_and_values(string architecture, bool compress)
    {
        var model = TinyModels.Random(TinyModels.Parse(architecture), seed: 11);
        string path = _folder.File("model.npz");

        NpzExport.Write(path, model, compress);
        var arrays = ReadNpz(path);

        var expected = new List<(string Name, int[] Shape, float[] Values)>();
        for (int l = 0; l + 1 < model.LayerCount; l++) expected.Add(($"W{l}.npy", [model.LayerSize(l), model.LayerSize(l + 1)], model.Weights(l)));
        for (int l = 0; l < model.LayerCount; l++) expected.Add(($"b{l}.npy", [model.LayerSize(l)], model.Biases(l)));
        for (int l = 0; l < model.LayerCount; l++)
            if (model.Lateral(l) is { } lat) expected.Add(($"L{l}.npy", [model.LayerSize(l), model.LayerSize(l)], lat));

        Assert.Equal(expected.Select(e => e.Name).Order(), arrays.Keys.Order());
        foreach (var (name, shape, values) in expected)
        {
            var npy = arrays[name];
            Assert.Equal("<f4", npy.Descr);
            Assert.False(npy.FortranOrder);
            Assert.Equal(shape, npy.Shape);
            Assert.Equal(0, npy.HeaderLength % 64);
            Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), npy.Values.Select(BitConverter.SingleToInt32Bits));
        }
        Assert.Equal(["model.npz"], _folder.Names());
    }

    [Fact]
    public void Headers_are_written_exactly_as_numpy_writes_them()
    {
        var model = new DeepBoltzmannMachine(Architecture.Rbm(784, 500));
        string path = _folder.File("rbm.npz");
        NpzExport.Write(path, model);
        var arrays = ReadNpz(path);

        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (784, 500), }", arrays["W0.npy"].HeaderText.TrimEnd());
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (784,), }", arrays["b0.npy"].HeaderText.TrimEnd());
        Assert.Equal(128, arrays["W0.npy"].HeaderLength);
        Assert.Matches("^[^\n]* +\n$", arrays["W0.npy"].HeaderText);
    }

    [Fact]
    public void Uncompressed_export_stores_the_entries()
    {
        string path = _folder.File("m.npz");
        NpzExport.Write(path, TinyModels.Random(TinyModels.Parse("3-2"), 1));
        using var zip = ZipFile.OpenRead(path);
        Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
    }

    [Fact]
    public void Export_over_an_existing_file_replaces_it_without_leftovers()
    {
        string path = _folder.File("m.npz");
        File.WriteAllText(path, "old");
        var model = TinyModels.Random(TinyModels.Parse("3-2"), 1);

        NpzExport.Write(path, model);

        Assert.Equal(model.Weights(0), ReadNpz(path)["W0.npy"].Values);
        Assert.Equal(["m.npz"], _folder.Names());
    }
}
