using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Persistence;

public class CheckpointFileTests
{
    [Theory]
    [InlineData(OptimiserKind.Adam)]
    [InlineData(OptimiserKind.SgdMomentum)]
    public void Training_resumed_from_a_checkpoint_file_equals_an_uninterrupted_run(OptimiserKind kind)
    {
        using var folder = new TempFolder();
        var data = SyntheticData.Prototypes(110, 10, prototypes: 3, noise: 0.1, seed: 1);
        var options = new TrainingOptions
        {
            Epochs = 3, BatchSize = 25, Seed = 9,
            Optimiser = new OptimiserOptions { Kind = kind, LearningRate = kind == OptimiserKind.Adam ? 0.01f : 0.05f },
        };
        DeepBoltzmannMachine NewModel() => DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(10, 6, 4).WithLateral(1), seed: 2);

        var reference = NewModel();
        var referenceHistory = new MiniBatchTrainer(new VariationalProbabilityFlow(), options).Train(reference, data);

        var interrupted = NewModel();
        using var cts = new CancellationTokenSource();
        int seen = 0;
        var ex = Assert.Throws<TrainingCanceledException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), options)
            .Train(interrupted, data, _ => { if (++seen == 7) cts.Cancel(); }, cts.Token));
        string path = folder.File("run" + CheckpointFile.Extension);
        var info = ModelFileInfo.ForTraining("vpf", options, new VpfOptions());
        CheckpointFile.Save(path, interrupted, ex.Checkpoint, info);
        Assert.Equal(["run" + CheckpointFile.Extension], folder.Names());

        var (model, checkpoint, readInfo) = CheckpointFile.Load(path);
        Assert.Equal(ex.Checkpoint.EpochsCompleted, checkpoint.EpochsCompleted);
        Assert.Equal(ex.Checkpoint.BatchesCompleted, checkpoint.BatchesCompleted);
        Assert.Equal(ex.Checkpoint.EpochObjectiveSum, checkpoint.EpochObjectiveSum);
        Assert.Equal(ex.Checkpoint.Optimiser.Step, checkpoint.Optimiser.Step);
        Assert.Equal(ex.Checkpoint.Optimiser.Moments.Count, checkpoint.Optimiser.Moments.Count);
        Assert.Equal(info.TrainingOptionsJson, readInfo.TrainingOptionsJson);

        var resumedHistory = new MiniBatchTrainer(new VariationalProbabilityFlow(), options).Train(model, data, resumeFrom: checkpoint);
        Assert.Equal(reference.Parameters.Tensors.SelectMany(t => t), model.Parameters.Tensors.SelectMany(t => t));
        Assert.Equal(referenceHistory.Select(h => h.MeanObjective), resumedHistory.Select(h => h.MeanObjective));
    }

    public static TheoryData<string, TrainingCheckpoint, string> Meaningless => new()
    {
        { "an hour-long run that claims 1e308 s", Point(seconds: 1e308), "Seconds is 1E+308; expected a finite number of seconds between 0 and 1000000000" },
        { "a negative objective sum", Point(sumK: -1), "EpochSumK is -1; expected a finite number ≥ 0" },
        { "an objective summed before any batch", Point(batches: 0, rows: 0, sumK: 5), "EpochSumK is 5 before the epoch's first batch" },
        { "clamps counted before any batch", Point(batches: 0, rows: 0, sumK: 0, clamps: 3), "EpochClamps is 3 before the epoch's first batch" },
        { "an epoch that ends before the one before it", Point(history: [new(1, 2.0, 10, 0), new(2, 2.0, 9, 0)]), "History[1].Seconds is 9, less than epoch 1's 10" },
        { "a clock behind its own history", Point(history: [new(1, 2.0, 50, 0), new(2, 2.0, 60, 0)]), "Seconds is 20, less than the 60 at the end of epoch 2" },
        { "a negative epoch mean", Point(history: [new(1, -2.0, 1, 0), new(2, 2.0, 2, 0)]), "History[0].MeanK is -2" },
    };

    private static TrainingCheckpoint Point(int batches = 2, long rows = 50, double sumK = 100, long clamps = 0, double seconds = 20, EpochSummary[]? history = null) =>
        new(2, batches, sumK, rows, clamps, seconds, history ?? [new(1, 2.0, 5, 0), new(2, 2.0, 10, 0)],
            new OptimiserState(OptimiserKind.SgdMomentum, 0, []));

    [Theory]
    [MemberData(nameof(Meaningless))]
    public void Fields_that_no_run_can_reach_are_refused_naming_the_field(string what, TrainingCheckpoint checkpoint, string problem)
    {
        using var folder = new TempFolder();
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(4, 3), seed: 1);
        var e = Assert.Throws<ArgumentException>(() => CheckpointFile.Save(folder.File("c.vpfckpt"), model, checkpoint));
        Assert.True(e.Message.Contains(problem, StringComparison.Ordinal), $"{what}: {e.Message}");
        Assert.Empty(folder.Names());
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_refused_naming_it()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad" + CheckpointFile.Extension);
        File.WriteAllText(path, "not a zip");
        var e = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));
        Assert.Equal(ModelFileProblem.NotAModelFile, e.Problem);
        Assert.Contains(path, e.Message);

        var missing = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(folder.File("none")));
        Assert.Equal(ModelFileProblem.Missing, missing.Problem);
    }
}
