using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Persistence;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Gaussian;

/// <summary>The visible unit kind in model files: format 1.1 for Gaussian models, 1.0 (unchanged bytes) for binary ones.</summary>
public sealed class GaussianModelFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_Gaussian_model_round_trips_with_its_kind_in_format_1_1()
    {
        var model = GaussianModels.Random("3-2", seed: 91);
        string path = _folder.File("g.vpf");
        ModelFile.Save(path, model, new ModelFileInfo());
        var loaded = ModelFile.Load(path);
        Assert.Equal(VisibleUnitKind.Gaussian, loaded.Architecture.VisibleUnits);
        Assert.Equal(model.Architecture, loaded.Architecture);
        Assert.Equal(model.Parameters.Tensors.SelectMany(t => t), loaded.Parameters.Tensors.SelectMany(t => t));
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 1, 0, 1, 0, 0, 0 }, bytes[4..10]);
        Assert.Equal((byte)VisibleUnitKind.Gaussian, bytes[^5]);
    }

    [Fact]
    public void A_binary_model_is_still_written_as_format_1_0_and_reads_as_binary()
    {
        var model = TinyModels.Random(Architecture.Rbm(3, 2), seed: 92);
        string path = _folder.File("b.vpf");
        ModelFile.Save(path, model, new ModelFileInfo());
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0 }, bytes[4..10]);
        Assert.Equal(VisibleUnitKind.Binary, ModelFile.Load(path).Architecture.VisibleUnits);
    }

    [Fact]
    public void An_unknown_kind_byte_is_reported_as_invalid_naming_the_value()
    {
        var model = GaussianModels.Random("3-2", seed: 93);
        string path = _folder.File("k.vpf");
        ModelFile.Save(path, model, new ModelFileInfo());
        var bytes = File.ReadAllBytes(path);
        bytes[^5] = 7;
        uint crc = Vpf.Core.Data.Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), crc);
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        Assert.Equal(ModelFileProblem.Invalid, error.Problem);
        Assert.Contains("found 7", error.Message);
    }

    [Fact]
    public void The_architecture_names_its_kind_and_a_Gaussian_visible_layer_refuses_lateral_weights()
    {
        var gaussian = Architecture.Dbm(4, 3, 2).WithVisibleUnits(VisibleUnitKind.Gaussian);
        Assert.Equal("4G-3-2", gaussian.ToString());
        Assert.NotEqual(Architecture.Dbm(4, 3, 2), gaussian);
        Assert.Equal(VisibleUnitKind.Gaussian, gaussian.WithLateral(1).VisibleUnits);
        var error = Assert.Throws<InvalidOptionsException>(() => gaussian.WithLateral(0));
        Assert.Equal("lateral", error.Option);
    }
}
