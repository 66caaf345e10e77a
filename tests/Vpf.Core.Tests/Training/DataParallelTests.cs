using Vpf.Core.Training;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Training;

// Data-parallel training with threads standing in for processes: N shards of every batch must give the model one
// process gives (the random streams are keyed by the row's place in the whole batch), up to the order of the
// floating-point additions of the gradient. Tolerance: 2e-4 absolute on every parameter after 8 SGD steps of
// rate 0.05 — a wrong row offset or a wrong weighting moves parameters by about 1e-2. (SGD, not Adam: Adam's first
// steps are ±rate for any gradient entry near 0, so a rounding-level difference there would show as a full step.)
public class DataParallelTests
{
    private const double Tolerance = 2e-4;

    private static readonly BinaryDataset Data = SyntheticData.Prototypes(160, 12, prototypes: 3, noise: 0.1, seed: 4);

    private static TrainingOptions Options(int epochs = 2) => new()
    {
        Epochs = epochs, BatchSize = 40, Seed = 5,
        Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.05f, Momentum = 0.9f },
        Centering = new CenteringOptions { Enabled = false },
    };

    public static TheoryData<string, int> Methods => new()
    {
        { "vpf-sampled", 2 }, { "vpf-sampled", 3 }, { "vpf-expected", 2 }, { "mpf-rbm", 2 },
        { "cd", 2 }, { "pcd", 2 }, { "dbm-pcd", 2 }, { "vpf-sampled", 7 }, { "vpf-all-bits-flipped", 3 },
    };

    private static (ITrainingObjective Objective, Architecture Architecture) Create(string method) => method switch
    {
        "vpf-sampled" => (new VariationalProbabilityFlow(new VpfOptions { Estimator = FlowEstimator.Sampled, MeanFieldSweeps = 3 }), Architecture.Dbm(12, 8, 5)),
        "vpf-expected" => (new VariationalProbabilityFlow(new VpfOptions { Estimator = FlowEstimator.Expected, MeanFieldSweeps = 3 }), Architecture.Dbm(12, 8, 5)),
        "vpf-all-bits-flipped" => (new VariationalProbabilityFlow(new VpfOptions { MeanFieldSweeps = 3, AllBitsFlipped = true }), Architecture.Dbm(12, 8, 5)),
        "mpf-rbm" => (new MpfRbm(), Architecture.Rbm(12, 8)),
        "cd" => (new ContrastiveDivergence(new ContrastiveDivergenceOptions { Steps = 2 }), Architecture.Rbm(12, 8)),
        "pcd" => (new ContrastiveDivergence(new ContrastiveDivergenceOptions { Steps = 1, Persistent = true }), Architecture.Rbm(12, 8)),
        "dbm-pcd" => (new DbmPersistentContrastiveDivergence(new DbmPcdOptions()), Architecture.Dbm(12, 8, 5)),
        _ => throw new ArgumentException(method),
    };

    private static float[] Train(string method, IDataParallelGroup? group, TrainingOptions? options = null)
    {
        var (objective, architecture) = Create(method);
        var model = DeepBoltzmannMachine.CreateRandom(architecture, seed: 3);
        new MiniBatchTrainer(objective, options ?? Options()) { Group = group }.Train(model, Data);
        return model.Parameters.Tensors.SelectMany(t => t).ToArray();
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Shards_on_several_processes_train_the_model_one_process_trains(string method, int processes)
    {
        float[] alone = Train(method, null);
        float[][] ranks = InProcessGroup.Run(processes, g => Train(method, g));
        foreach (var r in ranks) Assert.Equal(ranks[0], r); // every process holds the same model, bit for bit
        double worst = alone.Zip(ranks[0], (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(worst < Tolerance, $"{method} on {processes} processes differs from one process by {worst:G3}");
        var initial = DeepBoltzmannMachine.CreateRandom(Create(method).Architecture, seed: 3).Parameters.Tensors.SelectMany(t => t);
        Assert.True(alone.Zip(initial, (a, b) => Math.Abs(a - b)).Max() > 100 * Tolerance, "training moved nothing");
    }

    [Theory]
    [InlineData("vpf-sampled")]
    [InlineData("cd")]
    [InlineData("dbm-pcd")]
    public void Centered_shards_follow_the_whole_batch_s_hidden_rates(string method)
    {
        // The hidden offsets move with the mean rate of the whole mini-batch, not of one process's shard: otherwise the
        // processes' models drift apart, and none equals the one-process model.
        var centered = Options() with { Centering = new CenteringOptions { Enabled = true, HiddenOffsetRate = 0.2f } };
        float[] alone = Train(method, null, centered);
        float[][] ranks = InProcessGroup.Run(2, g => Train(method, g, centered));
        Assert.Equal(ranks[0], ranks[1]);
        double worst = alone.Zip(ranks[0], (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(worst < Tolerance, $"centered {method} on 2 processes differs from one process by {worst:G3}");
    }

    [Fact]
    public void A_group_of_one_is_bit_identical_to_training_alone()
    {
        float[] alone = Train("vpf-sampled", null);
        float[] group = InProcessGroup.Run(1, g => Train("vpf-sampled", g))[0];
        Assert.Equal(alone, group);
    }

    [Fact]
    public void Shard_gradients_recombine_into_the_whole_batch_gradient_with_sampled_spikes()
    {
        // 30 rows in shards 0..11, 12..29: the recombined mean must match the whole batch to float rounding. Were the
        // shards to draw spikes from their own counters, the sampled estimator would differ by O(1/√rows) instead.
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(12, 8, 5), seed: 7);
        var rows = new float[30 * 12];
        Data.CopyRows(Enumerable.Range(0, 30).ToArray(), rows);
        var vpf = new VariationalProbabilityFlow(new VpfOptions { MeanFieldSweeps = 3 });
        var whole = new ParameterSet(model.Architecture);
        var first = new ParameterSet(model.Architecture);
        var second = new ParameterSet(model.Architecture);
        double k = vpf.Evaluate(model, rows, 30, whole, 99).Value;
        double k1 = vpf.Evaluate(model, rows.AsSpan(0, 12 * 12), 12, first, 99, new BatchShard(0, 30)).Value;
        double k2 = vpf.Evaluate(model, rows.AsSpan(12 * 12), 18, second, 99, new BatchShard(12, 30)).Value;
        Assert.Equal(k, (12 * k1 + 18 * k2) / 30, 1e-9 * k);
        var a = whole.Tensors.SelectMany(t => t).ToArray();
        var b = first.Tensors.SelectMany(t => t).Zip(second.Tensors.SelectMany(t => t), (x, y) => (12 * x + 18 * y) / 30).ToArray();
        Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() < 1e-5, "recombined shard gradient differs");
        var unshifted = new ParameterSet(model.Architecture);
        vpf.Evaluate(model, rows.AsSpan(12 * 12), 18, unshifted, 99); // same rows, counters from 0: other spikes
        Assert.NotEqual(second.Tensors.SelectMany(t => t), unshifted.Tensors.SelectMany(t => t));
    }

    [Fact]
    public void Processes_with_other_data_are_told_what_differs_before_the_first_batch()
    {
        var other = SyntheticData.Prototypes(160, 12, prototypes: 3, noise: 0.1, seed: 5);
        var errors = InProcessGroup.Run(2, g =>
        {
            var model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(12, 8), seed: 3);
            int batches = 0;
            var ex = Assert.Throws<InvalidOptionsException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), Options()) { Group = g }
                .Train(model, g.Rank == 0 ? Data : other, _ => batches++));
            Assert.Equal(0, batches);
            return ex;
        });
        foreach (var e in errors)
        {
            Assert.Equal("distributed", e.Option);
            Assert.Contains("training data", e.Message);
            Assert.DoesNotContain("architecture", e.Message);
        }
    }

    [Fact]
    public void Cancelling_one_process_stops_every_process_after_the_same_batch_and_the_checkpoint_resumes()
    {
        float[] reference = InProcessGroup.Run(2, g => Train("vpf-sampled", g))[0];
        var stopped = InProcessGroup.Run(2, g =>
        {
            var (objective, architecture) = Create("vpf-sampled");
            var model = DeepBoltzmannMachine.CreateRandom(architecture, seed: 3);
            using var cts = new CancellationTokenSource();
            int seen = 0;
            var ex = Assert.Throws<TrainingCanceledException>(() => new MiniBatchTrainer(objective, Options()) { Group = g }
                .Train(model, Data, _ => { if (++seen == 3 && g.Rank == 1) cts.Cancel(); }, cts.Token));
            return (model, ex.Checkpoint);
        });
        Assert.Equal(stopped[0].Checkpoint, stopped[1].Checkpoint with { Seconds = stopped[0].Checkpoint.Seconds, History = stopped[0].Checkpoint.History, Optimiser = stopped[0].Checkpoint.Optimiser });
        // Asked after batch 3 (4 per epoch); the request travels with batch 4's exchange, so both stop before batch 5.
        Assert.Equal((1, 0), (stopped[0].Checkpoint.EpochsCompleted, stopped[0].Checkpoint.BatchesCompleted));
        // Both processes resume from process 0's model and checkpoint, as from its checkpoint file.
        float[] resumed = InProcessGroup.Run(2, g =>
        {
            var (objective, _) = Create("vpf-sampled");
            var model = DeepBoltzmannMachine.CreateRandom(stopped[0].model.Architecture, seed: 3);
            model.Parameters.CopyFrom(stopped[0].model.Parameters);
            new MiniBatchTrainer(objective, Options()) { Group = g }.Train(model, Data, resumeFrom: stopped[0].Checkpoint);
            return model.Parameters.Tensors.SelectMany(t => t).ToArray();
        })[0];
        Assert.Equal(reference, resumed);
    }
}
