using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Training;

public class ResumeTests
{
    [Theory]
    [InlineData(OptimiserKind.Adam, 3)]      // mid-epoch
    [InlineData(OptimiserKind.Adam, 5)]      // exactly at the end of epoch 1
    [InlineData(OptimiserKind.SgdMomentum, 7)]
    [InlineData(OptimiserKind.Adam, 1)]      // after the very first batch
    public void Cancelled_then_resumed_training_equals_an_uninterrupted_run(OptimiserKind kind, int cancelAfterBatches)
    {
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
            .Train(interrupted, data, _ => { if (++seen == cancelAfterBatches) cts.Cancel(); }, cts.Token));
        Assert.Equal(cancelAfterBatches, ex.Checkpoint.EpochsCompleted * 5 + ex.Checkpoint.BatchesCompleted);

        // A fresh trainer and objective, as in a new process.
        var resumedHistory = new MiniBatchTrainer(new VariationalProbabilityFlow(), options)
            .Train(interrupted, data, resumeFrom: ex.Checkpoint);

        Assert.Equal(reference.Parameters.Tensors.SelectMany(t => t), interrupted.Parameters.Tensors.SelectMany(t => t));
        Assert.Equal(referenceHistory.Select(h => h.MeanObjective), resumedHistory.Select(h => h.MeanObjective));
    }

    [Fact]
    public void A_checkpoint_from_other_options_is_refused()
    {
        var data = SyntheticData.Prototypes(50, 6, prototypes: 2, noise: 0.1, seed: 1);
        var checkpoint = new TrainingCheckpoint(5, 0, 0, 0, 0, 0, [], new OptimiserState(OptimiserKind.Adam, 0, []));
        var ex = Assert.Throws<InvalidOptionsException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), new TrainingOptions { Epochs = 2, Centering = new CenteringOptions { Enabled = false } })
            .Train(DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 3), 1), data, resumeFrom: checkpoint));
        Assert.Equal("resume", ex.Option);
        var sgdState = new TrainingCheckpoint(0, 1, 0, 0, 0, 0, [], new OptimiserState(OptimiserKind.SgdMomentum, 1, []));
        Assert.Equal("optimiser", Assert.Throws<InvalidOptionsException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), new TrainingOptions { Epochs = 2, BatchSize = 10, Centering = new CenteringOptions { Enabled = false } })
            .Train(DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 3), 1), data, resumeFrom: sgdState)).Option);
    }
}
