using System.Buffers.Binary;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Gaussian;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Persistence;

/// <summary>
/// The standardisation stored with a Gaussian model (format 1.2): it round-trips bit for bit, older formats are written
/// and read as before, and an altered statistic is refused.
/// </summary>
public sealed class StandardisationFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static readonly Standardisation Stats = new([1.5f, -2.25f, 1e-3f], [0.5f, 3f, 1f]);

    /// <summary>Bytes of the standardisation: right before the checksum, 4 + 8·D of them.</summary>
    private static int StatsOffset(byte[] file, int columns) => file.Length - 4 - 8 * columns;

    [Fact]
    public void A_standardisation_round_trips_bit_for_bit_in_format_1_2_after_the_kind()
    {
        var model = GaussianModels.Random("3-2", seed: 93);
        string path = _folder.File("z.vpf");
        var info = new ModelFileInfo { TrainingMethod = "vpf", Standardisation = Stats };
        ModelFile.Save(path, model, info);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 1, 0, 2, 0, 0, 0 }, bytes[4..10]);
        int at = StatsOffset(bytes, 3);
        Assert.Equal((byte)VisibleUnitKind.Gaussian, bytes[at - 5]);
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at - 4)));
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at)));
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at + 12)));

        var (loaded, loadedInfo) = ModelFile.LoadWithInfo(path);
        Assert.Equal(model.Parameters.Tensors.SelectMany(t => t), loaded.Parameters.Tensors.SelectMany(t => t));
        Assert.Equal(Stats.Means, loadedInfo.Standardisation!.Means);
        Assert.Equal(Stats.Scales, loadedInfo.Standardisation.Scales);
        Assert.Equal("1.2.0", loadedInfo.FormatVersion);
        Assert.Equal(info with { CreatedUtc = loadedInfo.CreatedUtc }, loadedInfo);
        Assert.NotEqual(info with { CreatedUtc = loadedInfo.CreatedUtc, Standardisation = new([1.5f, -2.25f, 2e-3f], [0.5f, 3f, 1f]) }, loadedInfo);
    }

    [Fact]
    public void Models_without_a_standardisation_keep_their_older_formats()
    {
        string gaussian = _folder.File("g.vpf"), binary = _folder.File("b.vpf");
        ModelFile.Save(gaussian, GaussianModels.Random("3-2", seed: 94));
        ModelFile.Save(binary, TinyModels.Random(Architecture.Rbm(3, 2), seed: 95));
        Assert.Equal(1, File.ReadAllBytes(gaussian)[6]);
        Assert.Equal(0, File.ReadAllBytes(binary)[6]);
        var (_, g) = ModelFile.LoadWithInfo(gaussian);
        var (_, b) = ModelFile.LoadWithInfo(binary);
        Assert.Equal((null, "1.1.0"), (g.Standardisation, g.FormatVersion));
        Assert.Equal((null, "1.0.0"), (b.Standardisation, b.FormatVersion));
    }

    [Fact]
    public void A_flipped_bit_in_the_statistics_is_corrupted_and_a_consistent_bad_scale_is_invalid()
    {
        string path = _folder.File("z.vpf");
        ModelFile.Save(path, GaussianModels.Random("3-2", seed: 96), new ModelFileInfo { Standardisation = Stats });
        var original = File.ReadAllBytes(path);
        int at = StatsOffset(original, 3);
        for (int k = 0; k < 24; k += 5)
        {
            var flipped = (byte[])original.Clone();
            flipped[at + k] ^= 0x10;
            File.WriteAllBytes(path, flipped);
            var e = Assert.Throws<ModelFileException>(() => ModelFile.LoadWithInfo(path));
            Assert.Equal(ModelFileProblem.Corrupted, e.Problem);
        }

        // A negative scale with the checksum made to match: the value itself is refused.
        var negative = (byte[])original.Clone();
        BinaryPrimitives.WriteSingleLittleEndian(negative.AsSpan(at + 12 + 4), -3f);
        Layout.FixChecksum(negative);
        File.WriteAllBytes(path, negative);
        var invalid = Assert.Throws<ModelFileException>(() => ModelFile.LoadWithInfo(path));
        Assert.Equal(ModelFileProblem.Invalid, invalid.Problem);
        Assert.Contains("scale of column 1 is -3", invalid.Message);

        var count = (byte[])original.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(count.AsSpan(at - 4), 4);
        Layout.FixChecksum(count);
        File.WriteAllBytes(path, count);
        Assert.Contains("standardisation of 3 columns", Assert.Throws<ModelFileException>(() => ModelFile.LoadWithInfo(path)).Message);
    }

    [Fact]
    public void A_standardisation_that_does_not_fit_the_model_is_not_written()
    {
        string path = _folder.File("n.vpf");
        var binary = Assert.Throws<ArgumentException>(() =>
            ModelFile.Save(path, TinyModels.Random(Architecture.Rbm(3, 2), seed: 97), new ModelFileInfo { Standardisation = Stats }));
        Assert.Contains("binary", binary.Message);
        var wide = Assert.Throws<ArgumentException>(() =>
            ModelFile.Save(path, GaussianModels.Random("4-2", seed: 98), new ModelFileInfo { Standardisation = Stats }));
        Assert.Contains("3 columns", wide.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_checkpoint_of_a_Gaussian_run_on_raw_values_keeps_offsets_outside_0_1_and_resumes_exactly()
    {
        // Unstandardised rows around 5: the visible centering offsets (data means) are far outside [0, 1].
        var prototypes = SyntheticData.Prototypes(100, 6, prototypes: 2, noise: 0.1, seed: 7);
        var raw = new float[600];
        prototypes.CopyRows(Enumerable.Range(0, 100).ToArray(), raw);
        for (int i = 0; i < raw.Length; i++) raw[i] = 5f + 2f * raw[i];
        var data = RealDataset.FromValues(raw, 100, 6);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 20, Seed = 4, Optimiser = new OptimiserOptions { LearningRate = 0.01f } };
        var architecture = Architecture.Rbm(6, 3).WithVisibleUnits(VisibleUnitKind.Gaussian);
        DeepBoltzmannMachine NewModel() => DeepBoltzmannMachine.CreateRandom(architecture, seed: 2);

        var reference = NewModel();
        new MiniBatchTrainer(new VariationalProbabilityFlow(), options).Train(reference, data);

        var interrupted = NewModel();
        using var cts = new CancellationTokenSource();
        int seen = 0;
        var ex = Assert.Throws<TrainingCanceledException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), options)
            .Train(interrupted, data, _ => { if (++seen == 7) cts.Cancel(); }, cts.Token));
        Assert.True(ex.Checkpoint.Offsets![0].All(a => a > 4), string.Join(", ", ex.Checkpoint.Offsets[0]));
        string path = _folder.File("g" + CheckpointFile.Extension);
        CheckpointFile.Save(path, interrupted, ex.Checkpoint, ModelFileInfo.ForTraining("vpf", options, new VpfOptions()));

        var (model, checkpoint, _) = CheckpointFile.Load(path);
        Assert.Equal(ex.Checkpoint.Offsets[0], checkpoint.Offsets![0]);
        new MiniBatchTrainer(new VariationalProbabilityFlow(), options).Train(model, data, resumeFrom: checkpoint);
        Assert.Equal(reference.Parameters.Tensors.SelectMany(t => t), model.Parameters.Tensors.SelectMany(t => t));
    }
}
