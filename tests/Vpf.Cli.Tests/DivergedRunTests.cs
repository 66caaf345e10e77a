using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli.Tests;

/// <summary>
/// A protocol that compares methods (`vpf demo --full`) keeps going when one of them diverges: the run returns its last
/// good model, and every budget it did not reach is saved with that model and says where the run diverged.
/// </summary>
public sealed class DivergedRunTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vpf-diverged-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_run_asked_to_keep_its_last_good_model_returns_it_and_saves_it_for_every_budget_it_did_not_reach()
    {
        var bits = new bool[60, 16];
        var random = new Random(5);
        for (int r = 0; r < 60; r++)
            for (int c = 0; c < 16; c++) bits[r, c] = random.Next(2) == 1;
        var train = BinaryDataset.FromBits(bits);
        // A threshold no objective stays under: the first batch diverges, so the last good model is the initial one.
        var plan = new TrainingPlan
        {
            Architecture = Architecture.Rbm(16, 4),
            TrainingOptions = new TrainingOptions { Epochs = 3, BatchSize = 20, Seed = 2, DivergenceThreshold = 1e-9 },
        };
        var context = new CliContext(TextWriter.Null, plain: true, CancellationToken.None, [], null);
        string outPath = Path.Combine(_folder, "vpf-2s.vpf"), snapshotPath = Path.Combine(_folder, "vpf-1s.vpf");

        var trained = TrainingRun.Execute(context, plan, new DataSet(train, train, "random bits"), "VPF", outPath, resume: false,
            overwrite: false, inputs: [], snapshots: [new SnapshotRequest(1, snapshotPath, "vpf train … --time-budget 1")],
            keepLastGoodOnDivergence: true);

        Assert.NotNull(trained.Divergence);
        Assert.Equal((1, 1), (trained.Divergence!.Epoch, trained.Divergence.Batch));
        var initial = plan.CreateModel(train).Parameters.Tensors.ToArray();
        var snapshot = Assert.Single(trained.Snapshots);
        Assert.Equal(snapshotPath, snapshot.Request.Path);
        Assert.Equal(0, snapshot.Epochs);
        foreach (string path in new[] { outPath, snapshotPath })
        {
            var saved = ModelFile.Load(path).Parameters.Tensors.ToArray();
            Assert.Equal(initial.Length, saved.Length);
            for (int t = 0; t < initial.Length; t++) Assert.Equal(initial[t], saved[t]);
        }
        Assert.Equal("vpf train … --time-budget 1", ModelFile.LoadWithInfo(snapshotPath).Info.TrainCommand);

        // Without the flag the divergence still ends the run (vpf train's exit 5).
        Assert.Throws<TrainingDivergedException>(() => TrainingRun.Execute(context, plan, new DataSet(train, train, "random bits"), "VPF",
            Path.Combine(_folder, "plain.vpf"), resume: false, overwrite: false, inputs: []));
    }
}
