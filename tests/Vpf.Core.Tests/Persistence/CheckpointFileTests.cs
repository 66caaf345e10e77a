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
