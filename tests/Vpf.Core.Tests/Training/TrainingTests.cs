using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Training;

public class TrainingTests
{
    private static readonly TrainingOptions Fast = new()
    {
        Epochs = 8, BatchSize = 25, Seed = 3, Optimiser = new OptimiserOptions { LearningRate = 0.02f },
    };

    [Theory]
    [InlineData(FlowEstimator.Sampled, "16-8")]
    [InlineData(FlowEstimator.Sampled, "16-8-4")]
    [InlineData(FlowEstimator.Sampled, "16-8L-4")]
    [InlineData(FlowEstimator.Expected, "16-8-4")]
    [InlineData(FlowEstimator.MeanField, "16-8-4")]
    public void Vpf_lowers_its_objective_over_a_few_epochs(FlowEstimator estimator, string architecture)
    {
        var data = SyntheticData.Prototypes(200, 16, prototypes: 4, noise: 0.05, seed: 1);
        var model = DeepBoltzmannMachine.CreateRandom(TinyModels.Parse(architecture), seed: 2, weightScale: 0.1f);
        var options = new VpfOptions { Estimator = estimator, MeanFieldSweeps = 5 };
        // Sampled is judged by the quantity it estimates without bias: the Expected objective.
        var judge = new VariationalProbabilityFlow(options with { Estimator = estimator == FlowEstimator.MeanField ? FlowEstimator.MeanField : FlowEstimator.Expected });
        var block = SyntheticData.Block(data);
        double Objective() => judge.Evaluate(model, block, data.Count, new ParameterSet(model.Architecture), 0).Value;

        double before = Objective();
        var history = new MiniBatchTrainer(new VariationalProbabilityFlow(options), Fast).Train(model, data);
        double after = Objective();

        Assert.Equal(Fast.Epochs, history.Count);
        Assert.True(after < 0.85 * before, $"{estimator} {architecture}: K {before} → {after}");
        Assert.True(history[^1].MeanObjective < history[0].MeanObjective, $"epoch means {history[0].MeanObjective} → {history[^1].MeanObjective}");
    }

    [Theory]
    [InlineData("mpf-rbm")]
    [InlineData("vpf")]
    public void Rbm_trained_on_samples_of_a_known_rbm_gains_exact_log_likelihood(string method)
    {
        var task = new KnownRbmTask();
        var (train, student) = (task.Train, task.Student);
        double LogLikelihood() => task.LogLikelihood(student);
        double initial = LogLikelihood();
        double teacherLl = task.LogLikelihood(task.Teacher);

        ITrainingObjective objective = method == "vpf" ? new VariationalProbabilityFlow() : new MpfRbm();
        var options = new TrainingOptions { Epochs = 40, BatchSize = 50, Seed = 85, Optimiser = new OptimiserOptions { LearningRate = 0.02f } };
        new MiniBatchTrainer(objective, options).Train(student, train);
        double trained = LogLikelihood();

        // Initial ≈ −10 ln 2 ≈ −6.93; the teacher's own entropy bounds what is reachable.
        Assert.True(trained > initial + 0.5, $"{method}: log-likelihood {initial:F3} → {trained:F3} (teacher {teacherLl:F3})");
        Assert.True(trained < teacherLl + 0.05, $"{method}: trained {trained:F3} cannot beat the true model {teacherLl:F3} by more than noise");
    }

    [Fact]
    public void Same_seed_gives_the_same_model_bit_for_bit_and_another_seed_does_not()
    {
        var data = SyntheticData.Prototypes(120, 12, prototypes: 3, noise: 0.1, seed: 4);
        float[] Train(int seed)
        {
            var model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(12, 6, 3).WithLateral(1), seed: 5);
            new MiniBatchTrainer(new VariationalProbabilityFlow(), Fast with { Epochs = 2, Seed = seed }).Train(model, data);
            return model.Parameters.Tensors.SelectMany(t => t).ToArray();
        }
        Assert.Equal(Train(7), Train(7));
        Assert.NotEqual(Train(7), Train(8));
    }

    [Fact]
    public void Progress_is_reported_for_every_batch_in_order()
    {
        var data = SyntheticData.Prototypes(110, 8, prototypes: 2, noise: 0.1, seed: 6);
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(8, 4), seed: 7);
        var seen = new List<TrainingProgress>();
        new MiniBatchTrainer(new VariationalProbabilityFlow(), new TrainingOptions { Epochs = 2, BatchSize = 25 }).Train(model, data, seen.Add);

        Assert.Equal(10, seen.Count); // 5 batches (4 × 25 + 10) per epoch
        Assert.All(seen, p => Assert.Equal(5, p.BatchesPerEpoch));
        Assert.Equal([1, 2, 3, 4, 5, 1, 2, 3, 4, 5], seen.Select(p => p.Batch));
        Assert.Equal([1, 1, 1, 1, 1, 2, 2, 2, 2, 2], seen.Select(p => p.Epoch));
        Assert.All(seen, p => Assert.True(p.Objective > 0 && p.EpochMeanObjective > 0 && p.Seconds >= 0));
        Assert.True(seen.Zip(seen.Skip(1)).All(pair => pair.Second.Seconds >= pair.First.Seconds));
    }

    [Fact]
    public void A_non_finite_objective_names_epoch_and_batch_and_leaves_the_model_untouched()
    {
        var data = SyntheticData.Prototypes(50, 6, prototypes: 2, noise: 0.1, seed: 8);
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 3), seed: 9);
        model.Biases(1)[2] = float.NaN;
        var before = model.Parameters.Clone();
        var ex = Assert.Throws<TrainingDivergedException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), Fast).Train(model, data));
        Assert.Equal((1, 1), (ex.Epoch, ex.Batch));
        Assert.Contains("epoch 1, batch 1", ex.Message);
        Assert.Equal(before.Tensors.SelectMany(t => t), model.Parameters.Tensors.SelectMany(t => t));
    }

    [Fact]
    public void A_step_that_overflows_the_parameters_is_undone()
    {
        var data = SyntheticData.Prototypes(100, 6, prototypes: 2, noise: 0.1, seed: 10);
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 3), seed: 11);
        var sgd = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 1e36f };
        ParameterSet? lastReported = null;
        var ex = Assert.Throws<TrainingDivergedException>(() =>
            new MiniBatchTrainer(new VariationalProbabilityFlow(), new TrainingOptions { BatchSize = 10, Optimiser = sgd })
                .Train(model, data, _ => lastReported = model.Parameters.Clone()));
        Assert.True(model.Parameters.IsFinite(), "the model must keep its last good parameters");
        var expected = lastReported ?? DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 3), seed: 11).Parameters;
        Assert.Equal(expected.Tensors.SelectMany(t => t), model.Parameters.Tensors.SelectMany(t => t));
        Assert.Contains($"batch {ex.Batch}", ex.Message);
    }

    [Fact]
    public void Flow_terms_at_the_field_clamp_count_as_divergence()
    {
        // Huge weights put fields far beyond ±60: every term is clamped at e^{30}, finite but meaningless.
        var data = SyntheticData.Prototypes(40, 8, prototypes: 2, noise: 0.1, seed: 12);
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(8, 4), seed: 13, weightScale: 1000f);
        var before = model.Parameters.Clone();
        var ex = Assert.Throws<TrainingDivergedException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), Fast).Train(model, data));
        Assert.Equal((1, 1), (ex.Epoch, ex.Batch));
        Assert.Contains("divergence threshold", ex.Message);
        Assert.Equal(before.Tensors.SelectMany(t => t), model.Parameters.Tensors.SelectMany(t => t));
        // The same model trains when the threshold is lifted, which shows it was the threshold that fired.
        new MiniBatchTrainer(new VariationalProbabilityFlow(), Fast with { Epochs = 1, DivergenceThreshold = double.MaxValue }).Train(model, data);
    }

    [Fact]
    public void Bad_options_and_mismatched_data_are_rejected_by_name()
    {
        Assert.Equal("BatchSize", Assert.Throws<InvalidOptionsException>(() => new MiniBatchTrainer(new MpfRbm(), new TrainingOptions { BatchSize = 0 })).Option);
        Assert.Equal("Optimiser.LearningRate", Assert.Throws<InvalidOptionsException>(() =>
            new MiniBatchTrainer(new MpfRbm(), new TrainingOptions { Optimiser = new OptimiserOptions { LearningRate = float.NaN } })).Option);
        Assert.Equal("SamplesPerDatum", Assert.Throws<InvalidOptionsException>(() => new VariationalProbabilityFlow(new VpfOptions { SamplesPerDatum = 0 })).Option);
        var data = SyntheticData.Prototypes(10, 5, prototypes: 1, noise: 0, seed: 1);
        var ex = Assert.Throws<InvalidOptionsException>(() =>
            new MiniBatchTrainer(new VariationalProbabilityFlow()).Train(DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 2), 1), data));
        Assert.Contains("5 values", ex.Message);
        Assert.Contains("6 visible", ex.Message);
    }
}
