using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Persistence;

/// <summary>Save → load keeps every bit and the provenance; writes are atomic; a refused save changes nothing.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Architectures => ["3-2", "784-50", "2-3-2", "5-4-3-2", "2-3L-2L", "3L-2", "4L", "1"];

    private static DeepBoltzmannMachine Model(string name, int seed = 7)
    {
        var model = TinyModels.Random(TinyModels.Parse(name), seed);
        // Values whose bits a sloppy round trip would lose.
        var w = model.Biases(0);
        float[] special = [-0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-40f, 0.1f];
        for (int i = 0; i < Math.Min(w.Length, special.Length); i++) w[i] = special[i];
        return model;
    }

    private static void AssertBitExact(DeepBoltzmannMachine expected, DeepBoltzmannMachine actual)
    {
        Assert.Equal(expected.Architecture, actual.Architecture);
        var e = expected.Parameters.Tensors.ToList();
        var a = actual.Parameters.Tensors.ToList();
        Assert.Equal(e.Count, a.Count);
        for (int t = 0; t < e.Count; t++)
            Assert.Equal(e[t].Select(BitConverter.SingleToInt32Bits), a[t].Select(BitConverter.SingleToInt32Bits));
    }

    private static ModelFileInfo SampleInfo() =>
        ModelFileInfo.ForTraining(
            "VPF/Sampled",
            new TrainingOptions { Epochs = 12, BatchSize = 64, Seed = 42, Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.05f } },
            new VpfOptions { Estimator = FlowEstimator.Expected, MeanFieldSweeps = 3 },
            epochsCompleted: 9)
        with
        {
            Notes = new Dictionary<string, string> { ["data"] = "Fashion-MNIST", ["quote"] = "\"é\" ∑ \n tab\t" },
        };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Round_trip_is_bit_exact_and_keeps_the_info(string architecture)
    {
        var model = Model(architecture);
        var info = SampleInfo();
        string path = _folder.File("m.vpf");

        ModelFile.Save(path, model, info);
        var (loaded, loadedInfo) = ModelFile.LoadWithInfo(path);

        AssertBitExact(model, loaded);
        Assert.Equal(info, loadedInfo);
        Assert.Equal(DateTimeKind.Utc, loadedInfo.CreatedUtc.Kind);
        AssertBitExact(model, ModelFile.Load(path));
        Assert.Equal(["m.vpf"], _folder.Names());
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Stream_round_trip_is_bit_exact(string architecture)
    {
        var model = Model(architecture, seed: 3);
        using var buffer = new MemoryStream();
        ModelFile.Save(buffer, model, SampleInfo());
        buffer.Position = 0;

        var (loaded, info) = ModelFile.LoadWithInfo(buffer, "in-memory");

        AssertBitExact(model, loaded);
        Assert.Equal(SampleInfo() with { CreatedUtc = info.CreatedUtc }, info);
    }

    [Fact]
    public void The_file_is_exactly_as_long_as_the_documented_layout()
    {
        var arch = TinyModels.Parse("3-2L");
        string path = _folder.File("m.vpf");
        var info = new ModelFileInfo { CreatedUtc = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc) };
        ModelFile.Save(path, TinyModels.Random(arch, 1), info);

        var bytes = File.ReadAllBytes(path);
        int infoLength = BitConverter.ToInt32(bytes, Layout.InfoOffset(arch));
        Assert.Equal(Layout.InfoOffset(arch) + 4 + infoLength + 4, bytes.Length);
        Assert.Equal(bytes.Length, BitConverter.ToInt64(bytes, Layout.LengthOffset));
        Assert.Equal("VPFM"u8.ToArray(), bytes[..4]);
        Assert.Equal("1.2.0", ModelFile.FormatVersion);
        // Binary visible units need nothing of 1.1: such a model is written as 1.0, readable by older builds.
        Assert.Equal([1, 0, 0, 0, 0, 0], bytes[4..10]);
        Assert.Equal(TinyModels.Random(arch, 1).Weights(0)[0], BitConverter.ToSingle(bytes, Layout.DataOffset(arch, "W0")));
        Assert.Contains("\"createdUtc\":\"2024-05-06T07:08:09Z\"", System.Text.Encoding.UTF8.GetString(bytes, Layout.InfoOffset(arch) + 4, infoLength));
    }

    [Fact]
    public void Same_model_and_info_give_the_same_bytes()
    {
        var info = SampleInfo();
        ModelFile.Save(_folder.File("a.vpf"), Model("2-3L-2"), info);
        ModelFile.Save(_folder.File("b.vpf"), Model("2-3L-2"), info);
        Assert.Equal(File.ReadAllBytes(_folder.File("a.vpf")), File.ReadAllBytes(_folder.File("b.vpf")));
    }

    [Fact]
    public void Save_without_info_stores_the_creation_time_and_nothing_else()
    {
        string path = _folder.File("m.vpf");
        var before = DateTime.UtcNow;
        ModelFile.Save(path, Model("3-2"));
        var (_, info) = ModelFile.LoadWithInfo(path);

        Assert.Null(info.TrainingMethod);
        Assert.Null(info.TrainingOptionsJson);
        Assert.Null(info.Seed);
        Assert.Empty(info.Notes);
        Assert.InRange(info.CreatedUtc, before.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
    }

    [Fact]
    public void Info_gives_back_the_training_and_vpf_options()
    {
        var training = new TrainingOptions { Epochs = 5, Seed = 9, Shuffle = false, Optimiser = new OptimiserOptions { WeightDecay = 1e-4f } };
        var vpf = new VpfOptions { Estimator = FlowEstimator.MeanField, Damping = 0.25f, SamplesPerDatum = 4 };
        string path = _folder.File("m.vpf");
        ModelFile.Save(path, Model("3-2"), ModelFileInfo.ForTraining("VPF/MeanField", training, vpf));

        var (_, info) = ModelFile.LoadWithInfo(path);

        Assert.Equal("VPF/MeanField", info.TrainingMethod);
        Assert.Equal(5, info.EpochsCompleted);
        Assert.Equal(9, info.Seed);
        Assert.Equal(training, info.ReadTrainingOptions());
        Assert.Equal(vpf, info.ReadVpfOptions());
    }

    [Fact]
    public void Saving_over_an_existing_file_replaces_it()
    {
        string path = _folder.File("m.vpf");
        ModelFile.Save(path, Model("3-2", seed: 1));
        var second = Model("2-3L-2", seed: 2);

        ModelFile.Save(path, second);

        AssertBitExact(second, ModelFile.Load(path));
        Assert.Equal(["m.vpf"], _folder.Names());
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Non_finite_parameters_are_refused_and_leave_the_existing_file_intact(float bad, string shown)
    {
        string path = _folder.File("m.vpf");
        ModelFile.Save(path, Model("3-2"));
        byte[] before = File.ReadAllBytes(path);
        var model = Model("2-3-2");
        model.Weights(1)[4] = bad;

        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(path, model));

        Assert.Contains("W1[2,0]", e.Message);
        Assert.Contains(shown, e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["m.vpf"], _folder.Names());
    }

    [Fact]
    public void Asymmetric_or_self_coupled_laterals_are_refused()
    {
        var model = Model("3L-2");
        model.Lateral(0)![0 * 3 + 2] += 1f;
        var e = Assert.Throws<ArgumentException>(() => ModelFile.Save(_folder.File("m.vpf"), model));
        Assert.Contains("L0[0,2]", e.Message);
        Assert.Contains("symmetric", e.Message);

        model = Model("3L-2");
        model.Lateral(0)![1 * 3 + 1] = 0.5f;
        e = Assert.Throws<ArgumentException>(() => ModelFile.Save(_folder.File("m.vpf"), model));
        Assert.Contains("L0[1,1]", e.Message);
        Assert.Contains("diagonal", e.Message);
        Assert.Empty(_folder.Names());
    }

    [Fact]
    public void A_failure_in_the_middle_of_a_write_leaves_the_old_file_and_no_temporary_file()
    {
        string path = _folder.File("m.vpf");
        ModelFile.Save(path, Model("3-2"));
        byte[] before = File.ReadAllBytes(path);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new InvalidOperationException("disk on fire");
        }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["m.vpf"], _folder.Names());
    }

    [Fact]
    public void A_failure_to_write_a_new_file_leaves_nothing()
    {
        string path = _folder.File("new.vpf");
        var e = Assert.Throws<FileWriteException>(() => AtomicFile.Write(path, _ => throw new IOException("full")));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("full", e.Message);
        Assert.Contains("Nothing was written", e.Message);
        Assert.Empty(_folder.Names());
    }

    [Fact]
    public void Saving_into_a_missing_folder_fails_without_leftovers()
    {
        string path = Path.Combine(_folder.Path, "no-such-folder", "m.vpf");
        var e = Assert.Throws<FileWriteException>(() => ModelFile.Save(path, Model("3-2")));
        Assert.IsType<DirectoryNotFoundException>(e.InnerException);
        Assert.Contains(path, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void Created_time_is_kept_in_utc()
    {
        var local = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Local);
        var info = new ModelFileInfo { CreatedUtc = local };
        Assert.Equal(DateTimeKind.Utc, info.CreatedUtc.Kind);
        Assert.Equal(local.ToUniversalTime(), info.CreatedUtc);
    }
}
