using Vpf.Core.Training;
using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Inference;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Training;

/// <summary>
/// Centering (vpf-math.md §8) against oracles written here from the centered energy itself, independently of
/// <see cref="CenteredCoordinates"/>: energies, fields and flips by direct evaluation, gradients by finite differences,
/// distributions by enumeration.
/// </summary>
public class CenteringTests
{
    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Centered_and_stored_parametrisations_give_the_same_energies_fields_and_flips(string architecture)
    {
        var (centered, offsets) = RandomCentered(architecture, seed: 1);
        var stored = Uncentered(centered, offsets);
        const int rows = 6;
        var states = TinyModels.RandomStates(stored, rows, seed: 2, binary: true);

        // Energies differ by one constant (it drops out of p); flips and fields are equal.
        double? constant = null;
        for (int r = 0; r < rows; r++)
        {
            var x = FlowGradientTests.RowOf(stored, states, r);
            double gap = CenteredEnergy(centered, offsets, x) - stored.Energy(x);
            constant ??= gap;
            Assert.Equal(constant.Value, gap, 1e-4);
            for (int l = 0; l < x.Length; l++)
                for (int k = 0; k < x[l].Length; k++)
                {
                    double before = CenteredEnergy(centered, offsets, x), beforeStored = stored.Energy(x);
                    x[l][k] = 1 - x[l][k];
                    double flip = before - CenteredEnergy(centered, offsets, x), flipStored = beforeStored - stored.Energy(x);
                    x[l][k] = 1 - x[l][k];
                    Assert.Equal(flip, flipStored, 1e-4);
                    Assert.Equal((1 - 2 * x[l][k]) * CenteredField(centered, offsets, x, l, k), flip, 1e-4);
                }
        }
        for (int l = 0; l < stored.LayerCount; l++)
        {
            int n = stored.LayerSize(l);
            var u = new float[rows * n];
            LocalFields.Compute(stored, states, l, u, rows);
            for (int r = 0; r < rows; r++)
            {
                var x = FlowGradientTests.RowOf(stored, states, r);
                for (int k = 0; k < n; k++) Assert.Equal(CenteredField(centered, offsets, x, l, k), u[r * n + k], 1e-4);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Converting_to_stored_biases_and_back_returns_the_centered_biases(string architecture)
    {
        var (centered, offsets) = RandomCentered(architecture, seed: 3);
        var back = Uncentered(centered, offsets).Parameters.Clone();
        CenteredCoordinates.ToCentered(back, offsets);
        for (int l = 0; l < centered.LayerCount; l++)
            for (int k = 0; k < back.Biases[l].Length; k++) Assert.Equal(centered.Biases(l)[k], back.Biases[l][k], 1e-5);
    }

    [Theory]
    [MemberData(nameof(TinyModels.Names), MemberType = typeof(TinyModels))]
    public void Centered_gradient_equals_central_finite_differences_of_K_in_centered_coordinates(string architecture)
    {
        foreach (bool binary in new[] { true, false })
            for (int seed = 0; seed < 2; seed++)
            {
                var (centered, offsets) = RandomCentered(architecture, seed: 10 + seed);
                var stored = Uncentered(centered, offsets);
                const int rows = 4;
                var states = TinyModels.RandomStates(stored, rows, seed: 20 + seed, binary);
                var flow = new FlowGradient(stored, rows);
                var gradient = new ParameterSet(stored.Architecture);
                flow.Compute(states, rows, gradient);
                CenteredCoordinates.CenterGradient(gradient, offsets);

                var scratch = new ParameterSet(stored.Architecture);
                double K()
                {
                    stored.Parameters.CopyFrom(centered.Parameters);
                    CenteredCoordinates.ToUncentered(stored.Parameters, offsets);
                    return flow.Compute(states, rows, scratch).Value;
                }
                foreach (var (tensor, g, index, mirror, name) in TinyModels.FreeParameters(centered, gradient))
                {
                    double numeric = TinyModels.CentralDifference(K, tensor, index, mirror, step: 1f / 256);
                    Assert.True(Math.Abs(numeric - g[index]) <= 2e-3 + 2e-3 * Math.Abs(numeric),
                        $"{architecture} binary={binary} seed {seed} {name}: centered gradient {g[index]}, finite difference {numeric}");
                    if (mirror >= 0) Assert.Equal(g[index], g[mirror]);
                }
            }
    }

    [Theory]
    [InlineData("3-2")]
    [InlineData("2-3L-2")]
    [InlineData("3L-2")]
    public void Moving_the_offsets_with_the_stored_model_fixed_leaves_the_distribution_unchanged(string architecture)
    {
        // Centered coordinates (b, a) and (b', a') describing the same stored b̃ give the same p over all joint states.
        var (centered, offsets) = RandomCentered(architecture, seed: 4);
        var stored = Uncentered(centered, offsets);
        var moved = RandomOffsets(stored.Architecture, new Random(5));
        var recentered = new DeepBoltzmannMachine(stored.Parameters.Clone());
        CenteredCoordinates.ToCentered(recentered.Parameters, moved);

        var before = JointLogProbabilities(x => CenteredEnergy(centered, offsets, x), stored.Architecture);
        var after = JointLogProbabilities(x => CenteredEnergy(recentered, moved, x), stored.Architecture);
        var ordinary = JointLogProbabilities(x => stored.Energy(x), stored.Architecture);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i], after[i], 1e-4);
            Assert.Equal(ordinary[i], after[i], 1e-4);
        }
        // The oracle can tell offsets apart: the same centered biases with the moved offsets are another distribution.
        var naive = JointLogProbabilities(x => CenteredEnergy(centered, moved, x), stored.Architecture);
        Assert.True(before.Zip(naive).Max(p => Math.Abs(p.First - p.Second)) > 0.05);
    }

    [Theory]
    [InlineData(OptimiserKind.Adam)]
    [InlineData(OptimiserKind.SgdMomentum)]
    public void Training_with_all_offsets_zero_reproduces_uncentered_training_bit_for_bit(OptimiserKind kind)
    {
        var data = SyntheticData.Prototypes(90, 10, prototypes: 3, noise: 0.1, seed: 1);
        var optimiser = new OptimiserOptions { Kind = kind, LearningRate = 0.01f, WeightDecay = 1e-3f };
        var plain = new TrainingOptions { Epochs = 2, BatchSize = 20, Seed = 3, Optimiser = optimiser, Centering = new CenteringOptions { Enabled = false } };
        var centered = plain with { Centering = new CenteringOptions { Enabled = true, HiddenOffsetRate = 0 } };
        DeepBoltzmannMachine NewModel() => DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(10, 6, 4).WithLateral(1), seed: 2);

        var reference = NewModel();
        new MiniBatchTrainer(new VariationalProbabilityFlow(), plain).Train(reference, data);

        // Zero offsets enter through a checkpoint at the very start of the run.
        var zero = NewModel();
        var start = new TrainingCheckpoint(0, 0, 0, 0, 0, 0, [], new OptimiserState(kind, 0, []))
        {
            Offsets = zero.Architecture.LayerSizes.Select(n => new float[n]).ToArray(),
        };
        new MiniBatchTrainer(new VariationalProbabilityFlow(), centered).Train(zero, data, resumeFrom: start);

        Assert.Equal(reference.Parameters.Tensors.SelectMany(t => t), zero.Parameters.Tensors.SelectMany(t => t));
        // And data-mean offsets do take another path (the test above could not pass by ignoring offsets).
        var moving = NewModel();
        new MiniBatchTrainer(new VariationalProbabilityFlow(), centered).Train(moving, data);
        Assert.NotEqual(reference.Parameters.Tensors.SelectMany(t => t), moving.Parameters.Tensors.SelectMany(t => t));
    }

    public static TheoryData<string> InvarianceObjectives => ["VPF Expected", "VPF MeanField", "MPF-RBM"];

    /// <summary>
    /// Inverting the visible data, v → 1 − v, maps every model to its mirror (W → −W, b̃_0 → −b̃_0, c̃ → c̃ + 1ᵀW; the same
    /// distribution over inverted images). A centered trainer commutes with the mirror step for step: in centered
    /// coordinates the mirror is W → −W, b_0 → −b_0, a_0 → 1 − a_0 with hidden quantities unchanged, the flow terms are
    /// invariant and the centered gradient is mirrored like the parameters, and SGD is linear. The claim is exact for
    /// deterministic objectives (VPF Expected and MeanField, MPF-RBM): with Sampled the hidden spikes would only agree
    /// almost surely (their rates agree up to rounding), and CD's visible samples of p and 1 − p from one uniform are
    /// not mirrors of each other, so there it holds in distribution only. SGD rather than Adam: Adam divides rounding
    /// noise of a vanishing gradient (MeanField's hidden δ) by its own size and would turn it into full steps.
    /// </summary>
    [Theory]
    [MemberData(nameof(InvarianceObjectives))]
    public void Centered_training_on_inverted_data_yields_the_mirrored_model_step_for_step_and_uncentered_does_not(string objective)
        => MirrorInvariance(objective, Architecture.Rbm(6, 4), uncenteredGapAbove: 0.05);

    /// <summary>
    /// The same for a DBM trained by VPF: its E-step starts bottom-up with the top-down half taken around ½, which the
    /// mirror maps to itself. One sweep, so that the start matters (with plain doubling of the raw input this fails).
    /// </summary>
    [Theory]
    [InlineData("VPF Expected")]
    [InlineData("VPF MeanField")]
    public void Centered_vpf_training_of_a_dbm_on_inverted_data_yields_the_mirrored_model_step_for_step(string objective)
        => MirrorInvariance(objective, Architecture.Dbm(6, 4, 3), uncenteredGapAbove: 0.01, sweeps: 1);

    private static void MirrorInvariance(string objective, Architecture architecture, double uncenteredGapAbove, int sweeps = VpfOptions.DefaultMeanFieldSweeps)
    {
        var data = SyntheticData.Prototypes(80, 6, prototypes: 3, noise: 0.15, seed: 7);
        var inverted = Inverted(data);
        var initial = TinyModels.Random(architecture, seed: 8, scale: 0.3);
        var plain = new TrainingOptions
        {
            Epochs = 4, BatchSize = 20, Seed = 5,
            Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.1f, Momentum = 0.5f },
            Centering = new CenteringOptions { Enabled = false },
        };
        var centered = plain with { Centering = new CenteringOptions { Enabled = true, HiddenOffsetRate = 0.1f } };

        double centeredGap = MirrorGap(objective, centered, initial, data, inverted, sweeps);
        double plainGap = MirrorGap(objective, plain, initial, data, inverted, sweeps);
        Assert.True(centeredGap < 1e-5, $"{objective}: centered models differ from their mirrors by {centeredGap} in log p");
        Assert.True(plainGap > uncenteredGapAbove, $"{objective}: uncentered models are mirrors up to {plainGap} in log p; expected a visible difference");
    }

    /// <summary>
    /// The mirrored machine (see above) on inverted images has the same posterior, so mean-field rates agree: an RBM's
    /// bottom-up pass is its exact posterior, and a DBM's bottom-up start takes the missing top-down input around ½
    /// (vpf-math.md §3.1), which the mirror maps to itself. Plain doubling of the raw input (σ(2 μ W + b), the start
    /// before) is not invariant: the mirror would start elsewhere and, where mean-field has several fixed points,
    /// reach another one. Checked at the start (no sweeps) and after many sweeps.
    /// </summary>
    [Fact]
    public void Mean_field_rates_of_the_mirrored_machine_on_inverted_images_agree_from_the_start()
    {
        var data = SyntheticData.Prototypes(30, 8, prototypes: 3, noise: 0.2, seed: 3);
        var visible = SyntheticData.Block(data);
        var inverted = visible.Select(x => 1 - x).ToArray();
        double Gap(DeepBoltzmannMachine model, int sweeps)
        {
            var mirror = Mirror(model);
            var a = MeanFieldSweep.Infer(model, visible, data.Count, sweeps);
            var b = MeanFieldSweep.Infer(mirror, inverted, data.Count, sweeps);
            return Enumerable.Range(1, model.LayerCount - 1).Max(l => a[l].Zip(b[l]).Max(p => Math.Abs(p.First - p.Second)));
        }

        Assert.True(Gap(TinyModels.Random(Architecture.Rbm(8, 5), seed: 4, scale: 1.0), sweeps: 0) < 1e-5);
        foreach (var architecture in new[] { "8-5-4", "8-5-4-3", "8-5L-4" })
        {
            var dbm = TinyModels.Random(TinyModels.Parse(architecture), seed: 4, scale: 1.0);
            foreach (int sweeps in new[] { 0, 1, 50 })
            {
                double gap = Gap(dbm, sweeps);
                Assert.True(gap < 1e-5, $"{architecture}, {sweeps} sweeps: the mirror's rates differ by {gap}");
            }
        }
    }

    [Fact]
    public void The_start_bias_takes_the_missing_top_down_input_around_a_half()
    {
        var dbm = TinyModels.Random(Architecture.Dbm(6, 4, 3), seed: 9, scale: 1.0);
        var bias = MeanFieldSweep.StartBias(dbm, 1);
        for (int j = 0; j < 4; j++)
        {
            double column = 0;
            for (int i = 0; i < 6; i++) column += dbm.Weights(0)[i * 4 + j];
            Assert.Equal(dbm.Biases(1)[j] - 0.5 * column, bias[j], 1e-5);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => MeanFieldSweep.StartBias(dbm, 2)); // the top layer has no top-down half
        Assert.Throws<ArgumentOutOfRangeException>(() => MeanFieldSweep.StartBias(dbm, 0));
    }

    [Fact]
    public void A_centered_run_resumed_from_a_checkpoint_file_equals_an_uninterrupted_one()
    {
        var data = SyntheticData.Prototypes(110, 10, prototypes: 3, noise: 0.1, seed: 1);
        var options = new TrainingOptions
        {
            Epochs = 2, BatchSize = 25, Seed = 9, Optimiser = new OptimiserOptions { LearningRate = 0.01f },
            Centering = new CenteringOptions { Enabled = true, HiddenOffsetRate = 0.1f },
        };
        DeepBoltzmannMachine NewModel() => DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(10, 6, 4), seed: 2);
        var reference = NewModel();
        new MiniBatchTrainer(new VariationalProbabilityFlow(), options).Train(reference, data);

        var interrupted = NewModel();
        using var cts = new CancellationTokenSource();
        int seen = 0;
        var ex = Assert.Throws<TrainingCanceledException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), options)
            .Train(interrupted, data, _ => { if (++seen == 6) cts.Cancel(); }, cts.Token));
        Assert.NotNull(ex.Checkpoint.Offsets);
        Assert.NotEqual(0.5f, ex.Checkpoint.Offsets![1][0]);
        var path = Path.Combine(Path.GetTempPath(), $"vpf-centering-{Guid.NewGuid():N}.vpfckpt");
        try
        {
            Vpf.Core.Persistence.CheckpointFile.Save(path, interrupted, ex.Checkpoint);
            var (model, checkpoint, _) = Vpf.Core.Persistence.CheckpointFile.Load(path);
            for (int l = 0; l < checkpoint.Offsets!.Count; l++) Assert.Equal(ex.Checkpoint.Offsets[l], checkpoint.Offsets[l]);
            new MiniBatchTrainer(new VariationalProbabilityFlow(), options).Train(model, data, resumeFrom: checkpoint);
            Assert.Equal(reference.Parameters.Tensors.SelectMany(t => t), model.Parameters.Tensors.SelectMany(t => t));
        }
        finally
        {
            File.Delete(path);
        }

        // Offsets and options must agree.
        var plainOptions = options with { Centering = new CenteringOptions { Enabled = false } };
        Assert.Throws<InvalidOptionsException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), plainOptions)
            .Train(NewModel(), data, resumeFrom: ex.Checkpoint));
        Assert.Throws<InvalidOptionsException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), options)
            .Train(NewModel(), data, resumeFrom: ex.Checkpoint with { Offsets = null }));
    }

    [Theory]
    [InlineData(1, 6, "layer 1 have 5 values")]
    [InlineData(2, 0, "2 centering offset vectors")]
    [InlineData(1, -1, "field Offsets[1][2] is NaN; a centering offset is a mean of rates in [0, 1]")]
    [InlineData(1, -2, "field Offsets[1][2] is 1.0000000150474662E+30; a centering offset is a mean of rates in [0, 1]")]
    [InlineData(1, -3, "field Offsets[1][2] is -0.25")]
    public void A_checkpoint_file_with_offsets_that_do_not_fit_the_model_is_refused(int layers, int width, string problem)
    {
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(4, 6, 3), seed: 1);
        var offsets = new[] { new float[4], new float[6], new float[3] }.Take(layers == 2 ? 2 : 3).ToArray();
        if (width > 0) offsets[1] = new float[5];
        if (width < 0) offsets[1][2] = width switch { -1 => float.NaN, -2 => 1e30f, _ => -0.25f };
        var checkpoint = new TrainingCheckpoint(0, 0, 0, 0, 0, 0, [], new OptimiserState(OptimiserKind.Adam, 0, [])) { Offsets = offsets };
        var path = Path.Combine(Path.GetTempPath(), $"vpf-centering-{Guid.NewGuid():N}.vpfckpt");
        try
        {
            Vpf.Core.Persistence.CheckpointFile.Save(path, model, checkpoint);
            var error = Assert.Throws<Vpf.Core.Persistence.ModelFileException>(() => Vpf.Core.Persistence.CheckpointFile.Load(path));
            Assert.Equal(Vpf.Core.Persistence.ModelFileProblem.Invalid, error.Problem);
            Assert.Contains(problem, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("VPF")]
    [InlineData("CD")]
    [InlineData("MPF-RBM")]
    [InlineData("DBM-PCD")]
    public void Hidden_offsets_follow_the_batch_mean_rates_the_objective_reports(string name)
    {
        var data = SyntheticData.Prototypes(40, 8, prototypes: 2, noise: 0.1, seed: 3);
        var model = TinyModels.Random(Architecture.Rbm(8, 5), seed: 4);
        ITrainingObjective objective = Objective(name);
        var rows = SyntheticData.Block(data);
        objective.Evaluate(model, rows, data.Count, new ParameterSet(model.Architecture), 1);
        var mean = new float[5];
        Assert.True(((IMeanRateSource)objective).TryGetMeanRates(1, mean));

        // The oracle: mean over rows of σ(c + vW), exact posterior rates of an RBM.
        for (int j = 0; j < 5; j++)
        {
            double sum = 0;
            for (int r = 0; r < data.Count; r++)
            {
                double u = model.Biases(1)[j];
                for (int k = 0; k < 8; k++) u += rows[r * 8 + k] * model.Weights(0)[k * 5 + j];
                sum += 1 / (1 + Math.Exp(-u));
            }
            Assert.Equal(sum / data.Count, mean[j], 1e-5);
        }
        var centering = new Centering([new float[8], Enumerable.Repeat(0.5f, 5).ToArray()], 0.25f);
        centering.FollowRates((IMeanRateSource)objective);
        for (int j = 0; j < 5; j++) Assert.Equal(0.75 * 0.5 + 0.25 * mean[j], centering.Offsets[1][j], 1e-6);
    }

    [Fact]
    public void Greedy_pretraining_passes_centering_to_every_layer()
    {
        var data = SyntheticData.Prototypes(60, 8, prototypes: 2, noise: 0.1, seed: 3);
        PretrainingResult Run(bool enabled)
        {
            var dbm = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(8, 5, 4), seed: 1);
            var options = new PretrainingOptions
            {
                Training = new TrainingOptions { Epochs = 2, BatchSize = 20, Centering = new CenteringOptions { Enabled = enabled } },
            };
            return GreedyPretraining.Pretrain(dbm, data, options);
        }
        var plain = Run(false);
        var centered = Run(true);
        for (int l = 0; l < 2; l++)
            Assert.NotEqual(plain.Rbms[l].Parameters.Weights[0], centered.Rbms[l].Parameters.Weights[0]);
    }

    private static ITrainingObjective Objective(string name, int sweeps = VpfOptions.DefaultMeanFieldSweeps) => name switch
    {
        "VPF" => new VariationalProbabilityFlow(new VpfOptions { MeanFieldSweeps = sweeps }),
        "VPF Expected" => new VariationalProbabilityFlow(new VpfOptions { Estimator = FlowEstimator.Expected, MeanFieldSweeps = sweeps }),
        "VPF MeanField" => new VariationalProbabilityFlow(new VpfOptions { Estimator = FlowEstimator.MeanField, MeanFieldSweeps = sweeps }),
        "CD" => new ContrastiveDivergence(),
        "MPF-RBM" => new MpfRbm(),
        "DBM-PCD" => new DbmPersistentContrastiveDivergence(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Trains the model on the data and its mirror on the inverted data; the largest log-probability gap between
    /// the two models' distributions (one read on inverted images) after any batch.</summary>
    private static double MirrorGap(string objective, TrainingOptions options, DeepBoltzmannMachine initial,
        BinaryDataset data, BinaryDataset inverted, int sweeps)
    {
        var original = new DeepBoltzmannMachine(initial.Parameters.Clone());
        var mirror = Mirror(initial);
        var originalSnapshots = new List<double[]>();
        var mirrorSnapshots = new List<double[]>();
        new MiniBatchTrainer(Objective(objective, sweeps), options).Train(original, data, _ => originalSnapshots.Add(VisibleLogProbabilities(original, invert: false)));
        new MiniBatchTrainer(Objective(objective, sweeps), options).Train(mirror, inverted, _ => mirrorSnapshots.Add(VisibleLogProbabilities(mirror, invert: true)));
        Assert.Equal(originalSnapshots.Count, mirrorSnapshots.Count);
        Assert.True(VisibleLogProbabilities(original, false).Zip(VisibleLogProbabilities(initial, false)).Max(p => Math.Abs(p.First - p.Second)) > 0.1,
            "training moved the model too little for the comparison to mean anything");
        return originalSnapshots.Zip(mirrorSnapshots).Max(s => s.First.Zip(s.Second).Max(p => Math.Abs(p.First - p.Second)));
    }

    /// <summary>log p(v) for every visible state v (read as 1 − v when <paramref name="invert"/>), by enumeration.</summary>
    private static double[] VisibleLogProbabilities(DeepBoltzmannMachine model, bool invert)
    {
        int n = model.LayerSize(0);
        double logZ = ExactLikelihood.LogPartition(model);
        var result = new double[1 << n];
        for (int s = 0; s < result.Length; s++)
        {
            var v = new float[n];
            for (int k = 0; k < n; k++) v[k] = ((s >> k) & 1) == (invert ? 0 : 1) ? 1f : 0f;
            result[s] = ExactLikelihood.LogUnnormalisedMarginal(model, v) - logZ;
        }
        return result;
    }

    /// <summary>The RBM whose distribution over 1 − v is this one's over v.</summary>
    private static DeepBoltzmannMachine Mirror(DeepBoltzmannMachine rbm)
    {
        var m = new DeepBoltzmannMachine(rbm.Parameters.Clone());
        int nv = rbm.LayerSize(0), nh = rbm.LayerSize(1);
        var w = m.Weights(0);
        for (int j = 0; j < nh; j++)
        {
            double column = 0;
            for (int k = 0; k < nv; k++) column += rbm.Weights(0)[k * nh + j];
            m.Biases(1)[j] = (float)(rbm.Biases(1)[j] + column);
        }
        for (int i = 0; i < w.Length; i++) w[i] = -w[i];
        for (int k = 0; k < nv; k++) m.Biases(0)[k] = -m.Biases(0)[k];
        return m;
    }

    private static BinaryDataset Inverted(BinaryDataset data)
    {
        var rows = SyntheticData.Block(data);
        for (int i = 0; i < rows.Length; i++) rows[i] = 1 - rows[i];
        return BinaryDataset.FromBinaryRows(rows, data.Count, data.Dimension);
    }

    private static (DeepBoltzmannMachine Centered, float[][] Offsets) RandomCentered(string architecture, int seed)
    {
        var centered = TinyModels.Random(TinyModels.Parse(architecture), seed);
        return (centered, RandomOffsets(centered.Architecture, new Random(seed + 1000)));
    }

    private static float[][] RandomOffsets(Architecture architecture, Random rng) =>
        architecture.LayerSizes.Select(n => Enumerable.Range(0, n).Select(_ => (float)(0.05 + 0.9 * rng.NextDouble())).ToArray()).ToArray();

    private static DeepBoltzmannMachine Uncentered(DeepBoltzmannMachine centered, float[][] offsets)
    {
        var stored = new DeepBoltzmannMachine(centered.Parameters.Clone());
        CenteredCoordinates.ToUncentered(stored.Parameters, offsets);
        return stored;
    }

    /// <summary>E(x) = −Σ (x_l − a_l)ᵀW_l(x_{l+1} − a_{l+1}) − Σ ½(x_l − a_l)ᵀL_l(x_l − a_l) − Σ b_lᵀx_l, in double.</summary>
    private static double CenteredEnergy(DeepBoltzmannMachine m, float[][] a, float[][] x)
    {
        double e = 0;
        for (int l = 0; l < m.LayerCount; l++)
        {
            int n = m.LayerSize(l);
            for (int k = 0; k < n; k++) e -= m.Biases(l)[k] * x[l][k];
            if (l + 1 < m.LayerCount)
            {
                int p = m.LayerSize(l + 1);
                for (int k = 0; k < n; k++)
                    for (int j = 0; j < p; j++) e -= ((double)x[l][k] - a[l][k]) * m.Weights(l)[k * p + j] * ((double)x[l + 1][j] - a[l + 1][j]);
            }
            if (m.Lateral(l) is { } lat)
                for (int k = 0; k < n; k++)
                    for (int j = 0; j < n; j++) e -= 0.5 * ((double)x[l][k] - a[l][k]) * lat[k * n + j] * ((double)x[l][j] - a[l][j]);
        }
        return e;
    }

    /// <summary>u_l[k] = b_l + (x_{l−1} − a_{l−1})W_{l−1} + (x_{l+1} − a_{l+1})W_lᵀ + (x_l − a_l)L_l, in double.</summary>
    private static double CenteredField(DeepBoltzmannMachine m, float[][] a, float[][] x, int l, int k)
    {
        double u = m.Biases(l)[k];
        int n = m.LayerSize(l);
        if (l > 0)
            for (int i = 0; i < m.LayerSize(l - 1); i++) u += ((double)x[l - 1][i] - a[l - 1][i]) * m.Weights(l - 1)[i * n + k];
        if (l + 1 < m.LayerCount)
        {
            int p = m.LayerSize(l + 1);
            for (int j = 0; j < p; j++) u += ((double)x[l + 1][j] - a[l + 1][j]) * m.Weights(l)[k * p + j];
        }
        if (m.Lateral(l) is { } lat)
            for (int j = 0; j < n; j++) u += ((double)x[l][j] - a[l][j]) * lat[k * n + j];
        return u;
    }

    /// <summary>log p(x) of every joint binary state under the energy, by enumeration.</summary>
    private static double[] JointLogProbabilities(Func<float[][], double> energy, Architecture architecture)
    {
        var sizes = architecture.LayerSizes;
        int total = sizes.Sum();
        var energies = new double[1 << total];
        for (int s = 0; s < energies.Length; s++)
        {
            var x = new float[sizes.Count][];
            int bit = 0;
            for (int l = 0; l < sizes.Count; l++)
            {
                x[l] = new float[sizes[l]];
                for (int k = 0; k < sizes[l]; k++, bit++) x[l][k] = (s >> bit) & 1;
            }
            energies[s] = -energy(x);
        }
        double logZ = ExactLikelihood.LogSumExp(energies);
        return energies.Select(e => e - logZ).ToArray();
    }
}
