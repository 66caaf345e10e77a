using Vpf.Core.Training;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Baselines;

public class BaselineTests
{
    // scikit-learn BernoulliRBM's setting (plain SGD 0.05, batch 10, uncentered), the one these small-RBM checks were measured with.
    private static readonly TrainingOptions Small = new()
    {
        Epochs = 10, BatchSize = 10, Seed = 5,
        Optimiser = OptimiserOptions.DefaultFor(OptimiserKind.SgdMomentum),
        Centering = new CenteringOptions { Enabled = false },
    };

    private static double[] MeanEstimate(ITrainingObjective objective, DeepBoltzmannMachine model, float[] block, int rows, int repeats)
    {
        var g = new ParameterSet(model.Architecture);
        double[]? sum = null;
        for (int s = 0; s < repeats; s++)
        {
            objective.Evaluate(model, block, rows, g, (ulong)s * 7919 + 1);
            var f = BaselineOracles.Flatten(g);
            sum ??= new double[f.Length];
            for (int i = 0; i < f.Length; i++) sum[i] += f[i] / repeats;
        }
        return sum!;
    }

    [Fact]
    public void Cd_with_many_steps_averages_to_the_exact_log_likelihood_gradient()
    {
        // 5-3 RBM, 40 rows, 200 keys: the negative statistics average 8000 chain states, so each entry's standard error
        // is ≤ 0.5/√8000 ≈ 0.006; CD-50 mixes completely at this weight scale (measured max error 0.007). Tolerance 0.03
        // is 5 standard errors, far below the entries' size (‖g‖ ≈ 1.4).
        var rbm = TinyModels.Random(Architecture.Rbm(5, 3), seed: 11, scale: 0.7);
        var data = SyntheticData.Prototypes(40, 5, prototypes: 2, noise: 0.1, seed: 12);
        var exact = BaselineOracles.Flatten(BaselineOracles.RbmGradient(rbm, SyntheticData.Rows(data)));
        var cd50 = MeanEstimate(new ContrastiveDivergence(new() { Steps = 50 }), rbm, SyntheticData.Block(data), data.Count, 200);
        for (int i = 0; i < exact.Length; i++)
            Assert.True(Math.Abs(cd50[i] - exact[i]) < 0.03, $"entry {i}: CD-50 {cd50[i]:F4}, exact {exact[i]:F4}");
    }

    [Fact]
    public void Cd1_points_the_way_of_the_exact_gradient_and_has_its_size()
    {
        // CD-1 is biased, but for moderate weights it is close: measured cosine 0.995 and norm ratio 0.93 at this scale.
        var rbm = TinyModels.Random(Architecture.Rbm(5, 3), seed: 11, scale: 0.7);
        var data = SyntheticData.Prototypes(40, 5, prototypes: 2, noise: 0.1, seed: 12);
        var exact = BaselineOracles.Flatten(BaselineOracles.RbmGradient(rbm, SyntheticData.Rows(data)));
        var cd1 = MeanEstimate(new ContrastiveDivergence(), rbm, SyntheticData.Block(data), data.Count, 200);
        double dot = cd1.Zip(exact, (a, b) => a * b).Sum();
        double ratio = Math.Sqrt(cd1.Sum(x => x * x) / exact.Sum(x => x * x));
        double cosine = dot / Math.Sqrt(cd1.Sum(x => x * x) * exact.Sum(x => x * x));
        Assert.True(cosine > 0.95, $"cosine {cosine:F3}");
        Assert.InRange(ratio, 0.7, 1.2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cd1_and_pcd_raise_the_exact_log_likelihood_of_an_rbm(bool persistent)
    {
        var task = new KnownRbmTask();
        var (train, student) = (task.Train, task.Student);
        double LogLikelihood() => task.LogLikelihood(student);
        double initial = LogLikelihood();
        double teacherLl = task.LogLikelihood(task.Teacher);

        new MiniBatchTrainer(new ContrastiveDivergence(new() { Persistent = persistent }), Small).Train(student, train);
        double trained = LogLikelihood();

        // Initial ≈ −10 ln 2 ≈ −6.93, teacher ≈ −4.58; measured after training ≈ −4.60.
        Assert.True(trained > initial + 1.5, $"log-likelihood {initial:F3} → {trained:F3} (teacher {teacherLl:F3})");
        Assert.True(trained < teacherLl + 0.05, $"trained {trained:F3} cannot beat the true model {teacherLl:F3} by more than noise");
    }

    [Fact]
    public void The_reported_reconstruction_cross_entropy_goes_down()
    {
        var data = SyntheticData.Prototypes(200, 16, prototypes: 4, noise: 0.05, seed: 1);
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(16, 8), seed: 2);
        var history = new MiniBatchTrainer(new ContrastiveDivergence(), Small with { Epochs = 30 }).Train(model, data);
        // Untrained: every pixel ≈ Bernoulli(½), 16 ln 2 ≈ 11.1 nats per row.
        Assert.InRange(history[0].MeanObjective, 1.0, 16 * Math.Log(2) + 0.1);
        // Measured: 10.4 → 5.3 nats over 30 epochs (slow for the first ten while the tiny initial weights break symmetry).
        Assert.True(history[^1].MeanObjective < 0.65 * history[0].MeanObjective, $"cross-entropy {history[0].MeanObjective:F3} → {history[^1].MeanObjective:F3}");
    }

    [Fact]
    public void Pcd_chains_persist_from_one_batch_to_the_next()
    {
        var rbm = TinyModels.Random(Architecture.Rbm(6, 4), seed: 21, scale: 0.8);
        var data = SyntheticData.Block(SyntheticData.Prototypes(20, 6, prototypes: 2, noise: 0.1, seed: 22));
        var first = data.AsSpan(0, 10 * 6).ToArray();
        var second = data.AsSpan(10 * 6).ToArray();
        // One step: with shared counter-based uniforms, chains from different starts couple after a few steps, and the
        // restart check below would then prove nothing.
        var pcd = new ContrastiveDivergence(new() { Persistent = true, Steps = 1 });
        var g = new ParameterSet(rbm.Architecture);

        pcd.Evaluate(rbm, first, 10, g, 101);
        var afterFirst = pcd.FantasyVisible.ToArray();
        pcd.Evaluate(rbm, second, 10, g, 202);
        var afterSecond = pcd.FantasyVisible.ToArray();

        // Replaying batch 2's negative phase from the chains left by batch 1 gives exactly its chains…
        var replay = (float[])afterFirst.Clone();
        RbmGibbs.Run(rbm, replay, new float[10 * 4], 10, 1, 202);
        Assert.Equal(afterSecond, replay);
        // …while starting from batch 2's data (what CD does) does not.
        var restart = (float[])second.Clone();
        RbmGibbs.Run(rbm, restart, new float[10 * 4], 10, 1, 202);
        Assert.NotEqual(afterSecond, restart);
        Assert.Equal(10, pcd.ChainCount);

        pcd.ResetChains();
        Assert.Equal(0, pcd.ChainCount);
    }

    [Fact]
    public void Dbm_pcd_raises_the_exact_log_likelihood_of_a_tiny_dbm()
    {
        var data = SyntheticData.Prototypes(200, 8, prototypes: 3, noise: 0.05, seed: 31);
        var rows = SyntheticData.Rows(data);
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(8, 4, 3), seed: 32, weightScale: 0.1f);
        double LogLikelihood() => ExactLikelihood.MeanLogLikelihood(model, rows, ExactLikelihood.LogPartition(model));
        double initial = LogLikelihood();

        var options = new TrainingOptions { Epochs = 15, BatchSize = 20, Seed = 33, Optimiser = new OptimiserOptions { LearningRate = 0.02f } };
        new MiniBatchTrainer(new DbmPersistentContrastiveDivergence(), options).Train(model, data);
        double trained = LogLikelihood();

        // Initial ≈ −8 ln 2 ≈ −5.5; the data's entropy is about ln 3 + 8·H(0.05) ≈ 2.7; measured −5.54 → −4.30. The margin
        // of 0.6 nats leaves room for the different float rounding of faster kernels.
        Assert.True(trained > initial + 0.6, $"log-likelihood {initial:F3} → {trained:F3}");
    }

    [Fact]
    public void Dbm_pcd_chains_sample_the_model_when_a_layer_has_strong_lateral_weights()
    {
        // A parallel update of two units joined by a strong negative lateral weight oscillates and gets their
        // correlation wrong; sequential Gibbs targets p(x). 4000 chains: standard error ≤ 0.008, tolerance 0.04.
        var model = TinyModels.Random(Architecture.Dbm(3, 3).WithLateral(1), seed: 41, scale: 0.5);
        var lat = model.Lateral(1)!;
        lat[0 * 3 + 1] = lat[1 * 3 + 0] = -4f;
        lat[1 * 3 + 2] = lat[2 * 3 + 1] = 3f;
        var (means, pairs) = BaselineOracles.Moments(model, pairLayer: 1);

        const int chains = 4000;
        var pcd = new DbmPersistentContrastiveDivergence(new() { Chains = chains, GibbsSteps = 40, ChainStart = PersistentChainStart.Random, ChainSeed = 42 });
        pcd.Evaluate(model, new float[] { 1, 0, 1 }, 1, new ParameterSet(model.Architecture), 43);

        for (int l = 0; l < 2; l++)
            for (int k = 0; k < 3; k++)
            {
                double empirical = Enumerable.Range(0, chains).Average(c => pcd.Chains[l][c * 3 + k]);
                Assert.True(Math.Abs(empirical - means[l][k]) < 0.04, $"⟨x{l}[{k}]⟩: chains {empirical:F3}, exact {means[l][k]:F3}");
            }
        foreach (var (k, j) in new[] { (0, 1), (1, 2), (0, 2) })
        {
            double empirical = Enumerable.Range(0, chains).Average(c => pcd.Chains[1][c * 3 + k] * pcd.Chains[1][c * 3 + j]);
            Assert.True(Math.Abs(empirical - pairs[k * 3 + j]) < 0.04, $"⟨h{k}h{j}⟩: chains {empirical:F3}, exact {pairs[k * 3 + j]:F3}");
        }
    }

    [Fact]
    public void Dbm_pcd_lateral_gradient_is_symmetric_with_zero_diagonal()
    {
        var model = TinyModels.Random(TinyModels.Parse("4-3L-2"), seed: 51);
        var data = SyntheticData.Block(SyntheticData.Prototypes(12, 4, prototypes: 2, noise: 0.1, seed: 52));
        var g = new ParameterSet(model.Architecture);
        new DbmPersistentContrastiveDivergence().Evaluate(model, data, 12, g, 53);
        var lat = g.Laterals[1]!;
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(0f, lat[k * 3 + k]);
            for (int j = 0; j < 3; j++) Assert.Equal(lat[k * 3 + j], lat[j * 3 + k]);
        }
        Assert.True(g.IsFinite() && g.Norm() > 0);
    }

    [Theory]
    [InlineData(PretrainingMethod.ContrastiveDivergence)]
    [InlineData(PretrainingMethod.MpfRbm)]
    public void Greedy_pretraining_gives_a_first_layer_with_better_exact_log_likelihood_than_random(PretrainingMethod method)
    {
        var data = SyntheticData.Prototypes(300, 8, prototypes: 3, noise: 0.05, seed: 61);
        var rows = SyntheticData.Rows(data);
        double FirstLayerLogLikelihood(DeepBoltzmannMachine dbm)
        {
            var rbm = BaselineOracles.FirstLayerRbm(dbm);
            return ExactLikelihood.MeanLogLikelihood(rbm, rows, ExactLikelihood.LogPartition(rbm));
        }
        var random = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(8, 6, 4), seed: 62);
        var pretrained = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(8, 6, 4), seed: 62);
        var training = method == PretrainingMethod.MpfRbm
            ? Small with { Optimiser = new OptimiserOptions { LearningRate = 0.02f }, BatchSize = 25, Epochs = 20 }
            : Small;
        var seen = new List<TrainingProgress>();
        var result = GreedyPretraining.Pretrain(pretrained, data, new PretrainingOptions { Method = method, Training = training, Seed = 63 }, seen.Add);

        double before = FirstLayerLogLikelihood(random), after = FirstLayerLogLikelihood(pretrained);
        // Measured: −5.55 → −3.15 (CD, doubled bottom RBM) and −2.79 (MPF-RBM, weights halved).
        Assert.True(after > before + 1.0, $"{method}: first-layer log-likelihood {before:F3} → {after:F3}");
        Assert.Equal(2, result.Rbms.Count);
        Assert.Equal(2 * training.Epochs, result.History.Sum(h => h.Count));
        Assert.Equal(2 * training.Epochs * ((300 + training.BatchSize - 1) / training.BatchSize), seen.Count);

        // Doubling correction: CD trains the bottom and top RBMs with doubled input and copies them; MPF halves.
        float scale = method == PretrainingMethod.MpfRbm ? 0.5f : 1f;
        for (int l = 0; l < 2; l++)
            Assert.Equal(result.Rbms[l].Weights(0).Select(w => scale * w), pretrained.Weights(l));
        Assert.Equal(result.Rbms[0].Biases(0), pretrained.Biases(0));
        Assert.Equal(result.Rbms[1].Biases(1), pretrained.Biases(2));
        Assert.Equal(result.Rbms[0].Biases(1).Zip(result.Rbms[1].Biases(0), (a, b) => 0.5f * (a + b)), pretrained.Biases(1));
    }

    [Fact]
    public void Middle_rbms_of_a_deeper_stack_are_halved_and_the_correction_can_be_switched_off()
    {
        var data = SyntheticData.Prototypes(60, 6, prototypes: 2, noise: 0.1, seed: 71);
        var options = new PretrainingOptions { Training = Small with { Epochs = 2 }, Seed = 72 };
        var dbm = new DeepBoltzmannMachine(Architecture.Dbm(6, 5, 4, 3));
        var result = GreedyPretraining.Pretrain(dbm, data, options);
        Assert.Equal(result.Rbms[0].Weights(0), dbm.Weights(0));
        Assert.Equal(result.Rbms[1].Weights(0).Select(w => 0.5f * w), dbm.Weights(1));
        Assert.Equal(result.Rbms[2].Weights(0), dbm.Weights(2));

        var plain = new DeepBoltzmannMachine(Architecture.Dbm(6, 5, 4, 3));
        var plainResult = GreedyPretraining.Pretrain(plain, data, options with { DoublingCorrection = false });
        for (int l = 0; l < 3; l++) Assert.Equal(plainResult.Rbms[l].Weights(0), plain.Weights(l));
        Assert.NotEqual(result.Rbms[0].Weights(0), plainResult.Rbms[0].Weights(0));
    }

    [Fact]
    public void Same_seed_gives_bit_identical_parameters_for_every_baseline()
    {
        var data = SyntheticData.Prototypes(60, 8, prototypes: 2, noise: 0.1, seed: 81);
        float[] Train(Func<ITrainingObjective> objective, Architecture architecture, int seed)
        {
            var model = DeepBoltzmannMachine.CreateRandom(architecture, seed: 82, weightScale: 0.1f);
            new MiniBatchTrainer(objective(), Small with { Epochs = 2, Seed = seed }).Train(model, data);
            return model.Parameters.Tensors.SelectMany(t => t).ToArray();
        }
        var cases = new (Func<ITrainingObjective>, Architecture)[]
        {
            (() => new ContrastiveDivergence(new() { Steps = 2 }), Architecture.Rbm(8, 4)),
            (() => new ContrastiveDivergence(new ContrastiveDivergenceOptions { Persistent = true }), Architecture.Rbm(8, 4)),
            (() => new DbmPersistentContrastiveDivergence(new() { GibbsSteps = 2 }), Architecture.Dbm(8, 4, 3).WithLateral(1)),
        };
        foreach (var (objective, architecture) in cases)
        {
            Assert.Equal(Train(objective, architecture, 7), Train(objective, architecture, 7));
            Assert.NotEqual(Train(objective, architecture, 7), Train(objective, architecture, 8));
        }

        float[] Pretrain(int seed)
        {
            var dbm = new DeepBoltzmannMachine(Architecture.Dbm(8, 4, 3));
            GreedyPretraining.Pretrain(dbm, data, new PretrainingOptions { Training = Small with { Epochs = 2 }, Seed = seed });
            return dbm.Parameters.Tensors.SelectMany(t => t).ToArray();
        }
        Assert.Equal(Pretrain(9), Pretrain(9));
        Assert.NotEqual(Pretrain(9), Pretrain(10));
    }

    [Fact]
    public void Unsupported_architectures_and_bad_options_are_rejected_by_name()
    {
        var cd = new ContrastiveDivergence();
        var deep = Assert.Throws<InvalidOptionsException>(() => cd.Validate(Architecture.Dbm(6, 4, 3)));
        Assert.Contains("6-4-3", deep.Message);
        Assert.Contains("DbmPersistentContrastiveDivergence", deep.Message);
        Assert.Contains("6-4L", Assert.Throws<InvalidOptionsException>(() => cd.Validate(Architecture.Rbm(6, 4).WithLateral(1))).Message);
        Assert.Contains("6L-4", Assert.Throws<InvalidOptionsException>(() => cd.Validate(Architecture.Rbm(6, 4).WithLateral(0))).Message);
        var data = SyntheticData.Prototypes(10, 6, prototypes: 1, noise: 0, seed: 1);
        Assert.Throws<InvalidOptionsException>(() => new MiniBatchTrainer(cd).Train(DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(6, 4, 3), 1), data));

        Assert.Contains("4L", Assert.Throws<InvalidOptionsException>(() => new DbmPersistentContrastiveDivergence().Validate(Architecture.FullyVisible(4))).Message);
        Assert.Contains("6-4L-3", Assert.Throws<InvalidOptionsException>(() =>
            GreedyPretraining.Pretrain(new DeepBoltzmannMachine(Architecture.Dbm(6, 4, 3).WithLateral(1)), data)).Message);

        Assert.Equal("Steps", Assert.Throws<InvalidOptionsException>(() => new ContrastiveDivergence(new() { Steps = 0 })).Option);
        Assert.Equal("Chains", Assert.Throws<InvalidOptionsException>(() => new ContrastiveDivergence(new() { Chains = -1 })).Option);
        Assert.Equal("GibbsSteps", Assert.Throws<InvalidOptionsException>(() => new DbmPersistentContrastiveDivergence(new() { GibbsSteps = 0 })).Option);
        Assert.Equal("Damping", Assert.Throws<InvalidOptionsException>(() => new DbmPersistentContrastiveDivergence(new() { Damping = 1f })).Option);
    }
}
