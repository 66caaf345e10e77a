using System.Text.Json;
using Vpf.Core.Training;
using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Training;

public class TrainingPlanTests
{
    private static readonly BinaryDataset Train = SyntheticData.Prototypes(130, 16, prototypes: 4, noise: 0.05, seed: 1);
    private static readonly BinaryDataset HeldOut = SyntheticData.Prototypes(60, 16, prototypes: 4, noise: 0.05, seed: 2);

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 3, BatchSize = 25, Seed = 7, Optimiser = new OptimiserOptions { LearningRate = 0.02f },
    };

    private static TrainingPlan Plan(string architecture, TrainingMethod method) => new()
    {
        Architecture = TinyModels.Parse(architecture),
        Method = method,
        TrainingOptions = Options,
        // More held-out rows than a batch has: the shared objective's buffers grow between batches.
        HeldOutRows = 50,
    };

    private static float[] Flat(DeepBoltzmannMachine model) => model.Parameters.Tensors.SelectMany(t => t).ToArray();

    public static TheoryData<string, Func<TrainingPlan, TrainingPlan>> BadOptions => new()
    {
        { "TrainingOptions.Epochs", p => p with { TrainingOptions = p.TrainingOptions with { Epochs = 0 } } },
        { "TrainingOptions.BatchSize", p => p with { TrainingOptions = p.TrainingOptions with { BatchSize = 0 } } },
        { "TrainingOptions.DivergenceThreshold", p => p with { TrainingOptions = p.TrainingOptions with { DivergenceThreshold = double.NaN } } },
        { "TrainingOptions.Optimiser.LearningRate", p => p with { TrainingOptions = p.TrainingOptions with { Optimiser = new OptimiserOptions { LearningRate = -1 } } } },
        { "TrainingOptions.Optimiser.WeightDecay", p => p with { TrainingOptions = p.TrainingOptions with { Optimiser = new OptimiserOptions { WeightDecay = -1 } } } },
        { "Method.Options.MeanFieldSweeps", p => p with { Method = new VpfMethod { Options = new VpfOptions { MeanFieldSweeps = -1 } } } },
        { "Method.Options.Damping", p => p with { Method = new VpfMethod { Options = new VpfOptions { Damping = 1f } } } },
        { "Method.Options.SamplesPerDatum", p => p with { Method = new VpfMethod { Options = new VpfOptions { SamplesPerDatum = 0 } } } },
        { "Method.Options", p => p with { Method = new VpfMethod { Options = null! } } },
        { "Method.Steps", p => p with { Method = new CdMethod { Steps = 0 } } },
        { "Method.Steps", p => p with { Method = new PcdMethod { Steps = -3 } } },
        { "Method.Options.GibbsSteps", p => p with { Method = new DbmPcdMethod { Options = new DbmPcdOptions { GibbsSteps = 0 } } } },
        { "Method", p => p with { Method = new MpfRbmMethod() } },           // 16-8-4 is not an RBM
        { "Method", p => p with { Method = new MpfMethod() } },              // nor fully visible
        { "Method", p => p with { Architecture = Architecture.FullyVisible(16) } }, // VPF needs a hidden layer
        { "Initialisation.WeightScale", p => p with { Initialisation = new Initialisation { WeightScale = float.PositiveInfinity } } },
        { "Pretraining.Training.Epochs", p => p with { Pretraining = new PretrainingOptions { Training = new TrainingOptions { Epochs = 0 } } } },
        { "Pretraining.InitialWeightScale", p => p with { Pretraining = new PretrainingOptions { InitialWeightScale = -1 } } },
        { "Pretraining", p => p with { Architecture = TinyModels.Parse("16-8L-4"), Pretraining = new PretrainingOptions() } },
        { "HeldOutRows", p => p with { HeldOutRows = 0 } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validation_names_the_bad_option_by_its_path_from_the_plan(string expected, Func<TrainingPlan, TrainingPlan> spoil)
    {
        var good = Plan("16-8-4", new VpfMethod());
        good.Validate();
        var error = Assert.Throws<InvalidOptionsException>(() => spoil(good).Validate());
        Assert.Equal(expected, error.Option);
        Assert.Contains($"'{expected}'", error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
        // Run validates before it builds anything.
        Assert.Equal(expected, Assert.Throws<InvalidOptionsException>(() => spoil(good).Run(Train)).Option);
    }

    [Fact]
    public void A_time_budget_ends_the_run_at_the_end_of_the_epoch_that_reached_it()
    {
        var vpf = new VpfMethod { Options = new VpfOptions { MeanFieldSweeps = 2 } };
        // A budget any epoch reaches: the run stops after epoch 1 of 3, with the model a one-epoch plan trains.
        var budgeted = (Plan("16-8", vpf) with { TimeBudgetSeconds = 1e-9 }).Run(Train, HeldOut);
        var oneEpoch = (Plan("16-8", vpf) with { TrainingOptions = Options with { Epochs = 1 } }).Run(Train, HeldOut);
        Assert.Single(budgeted.History);
        Assert.Single(budgeted.Curve);
        Assert.Equal(Flat(oneEpoch.Model), Flat(budgeted.Model));
        // A budget no epoch reaches leaves the epochs as they are.
        Assert.Equal(3, (Plan("16-8", vpf) with { TimeBudgetSeconds = 1e6 }).Run(Train).History.Count);
        Assert.Throws<InvalidOptionsException>(() => (Plan("16-8", vpf) with { TimeBudgetSeconds = 0 }).Validate());
    }

    [Fact]
    public void Every_method_has_one_persisted_name_that_parses_back_with_its_options()
    {
        TrainingMethod[] methods =
        [
            new VpfMethod { Options = new VpfOptions { Estimator = FlowEstimator.Expected, MeanFieldSweeps = 3, Damping = 0.25f } },
            new MpfMethod(), new MpfRbmMethod(), new CdMethod { Steps = 3 }, new PcdMethod { Steps = 2 },
            new DbmPcdMethod { Options = new DbmPcdOptions { GibbsSteps = 2, Chains = 7 } }, new ScoreMatchingRbmMethod(),
        ];
        Assert.Equal(TrainingMethod.Names, methods.Select(m => m.Name));
        foreach (var method in methods)
        {
            Assert.Equal(method, TrainingMethod.TryParse(method.Name, method.OptionsJson()));
            Assert.Equal(method.Name, TrainingMethod.Parse(method.Name.ToUpperInvariant()).Name);
        }
        Assert.Null(TrainingMethod.TryParse("VPF/MeanField", null));
        Assert.Equal("Method", Assert.Throws<InvalidOptionsException>(() => TrainingMethod.Parse("magic")).Option);
        Assert.Equal([true, true, true, false, false, false, false], methods.Select(m => m.IsFlow));
        Assert.Equal(["K", "K", "K", "reconstruction CE", "reconstruction CE", "reconstruction CE", "J"], methods.Select(m => m.ObjectiveName));
    }

    [Fact]
    public void A_curve_point_keeps_the_json_names_model_files_already_hold()
    {
        // The "curve" note of a model file is this record as JSON; files written while its members were named after K must still read.
        var point = new CurvePoint(3, 1.5, 80.25, 81.5, 90);
        string json = JsonSerializer.Serialize(point);
        Assert.Contains("\"MeanK\":80.25", json);
        Assert.Contains("\"HeldOutK\":81.5", json);
        Assert.Equal(point, JsonSerializer.Deserialize<CurvePoint>("""{"Epoch":3,"Seconds":1.5,"MeanK":80.25,"HeldOutK":81.5,"HeldOutCrossEntropy":90}"""));
    }

    [Fact]
    public void A_vpf_model_trained_through_the_plan_is_bit_identical_to_the_trainer_on_its_own()
    {
        var vpf = new VpfOptions { MeanFieldSweeps = 3 };
        // The path the front ends took before: initialise, biases from the marginals, MiniBatchTrainer with its own objective.
        var reference = DeepBoltzmannMachine.CreateRandom(TinyModels.Parse("16-8L-4"), Options.Seed);
        reference.SetVisibleBiasesFromMarginals(Train.ColumnMeans());
        var history = new MiniBatchTrainer(new VariationalProbabilityFlow(vpf), Options).Train(reference, Train);

        var result = Plan("16-8L-4", new VpfMethod { Options = vpf }).Run(Train, HeldOut);

        Assert.Equal(Flat(reference), Flat(result.Model));
        Assert.Equal(history.Select(h => h.MeanObjective), result.History.Select(h => h.MeanObjective));
        Assert.Equal(Options.Epochs, result.Curve.Count);
    }

    public static TheoryData<string, TrainingMethod> StatefulMethods => new()
    {
        { "16-8", new PcdMethod() },
        { "16-8-4", new DbmPcdMethod { Options = new DbmPcdOptions { GibbsSteps = 2, MeanFieldSweeps = 3 } } },
        { "16-8", new CdMethod() },
    };

    [Theory]
    [MemberData(nameof(StatefulMethods))]
    public void Held_out_evaluation_with_the_run_s_own_objective_leaves_training_unchanged(string architecture, TrainingMethod method)
    {
        var reference = DeepBoltzmannMachine.CreateRandom(TinyModels.Parse(architecture), Options.Seed);
        reference.SetVisibleBiasesFromMarginals(Train.ColumnMeans());
        new MiniBatchTrainer(method.CreateObjective(), Options).Train(reference, Train);

        var result = Plan(architecture, method).Run(Train, HeldOut);

        Assert.Equal(Options.Epochs, result.Curve.Count);
        Assert.Equal(Flat(reference), Flat(result.Model));
    }

    [Fact]
    public void The_curve_holds_the_epoch_means_and_held_out_values_computed_independently()
    {
        var method = new VpfMethod { Options = new VpfOptions { MeanFieldSweeps = 2 } };
        var points = new List<CurvePoint>();
        var result = Plan("16-8-4", method).Run(Train, HeldOut, epochCompleted: points.Add);
        Assert.Equal(result.Curve, points);
        Assert.Equal(result.History.Select(h => h.MeanObjective), result.Curve.Select(p => p.MeanObjective));
        Assert.Equal([1, 2, 3], result.Curve.Select(p => p.Epoch));
        Assert.True(result.Curve.Zip(result.Curve.Skip(1)).All(x => x.First.Seconds <= x.Second.Seconds));
        Assert.True(result.Seconds >= result.Curve[^1].Seconds && result.Seconds <= result.History[^1].Seconds);

        // The last point was measured on the trained model: recompute with a fresh objective and the scalar reference.
        var batch = HeldOutMetrics.Batch(HeldOut, 50);
        double k = new VariationalProbabilityFlow(method.Options).Evaluate(result.Model, batch, 50, new ParameterSet(result.Model.Architecture), HeldOutMetrics.RandomKey).Value;
        Assert.Equal(k, result.Curve[^1].HeldOutObjective, 12);
        double crossEntropy = ScalarReconstructionCrossEntropy(result.Model, batch, 50, sweeps: 2);
        Assert.Equal(crossEntropy, result.Curve[^1].HeldOutCrossEntropy, crossEntropy * 1e-5);
    }

    [Fact]
    public void Kernel_reconstruction_agrees_with_the_scalar_formula()
    {
        var model = TinyModels.Random(TinyModels.Parse("16-8L-4"), seed: 3, scale: 0.5);
        var batch = HeldOutMetrics.Batch(HeldOut, 40);
        var p = HeldOutMetrics.Reconstruct(model, batch, 40, sweeps: 4);
        var expected = ScalarReconstruct(model, batch, 40, sweeps: 4);
        for (int i = 0; i < p.Length; i++) Assert.Equal(expected[i], p[i], 1e-6f);
        double ce = HeldOutMetrics.CrossEntropy(p, batch, 40);
        double old = ScalarCrossEntropy(expected, batch, 40);
        Assert.Equal(old, ce, old * 1e-5);
    }

    [Fact]
    public void A_cancelled_run_carries_its_state_and_resumes_to_the_uninterrupted_result()
    {
        var plan = Plan("16-8-4", new VpfMethod { Options = new VpfOptions { MeanFieldSweeps = 2 } });
        var whole = plan.Run(Train, HeldOut);

        using var cts = new CancellationTokenSource();
        int seen = 0;
        var error = Assert.Throws<TrainingCanceledException>(() => plan.Run(Train, HeldOut, _ => { if (++seen == 8) cts.Cancel(); }, cts.Token));
        var state = Assert.IsType<TrainingRunState>(error.State);
        Assert.Same(error.Checkpoint, state.Checkpoint);
        Assert.Single(state.Curve); // 6 batches per epoch: the first epoch finished

        var resumed = plan.Run(Train, HeldOut, resumeFrom: state);
        Assert.Equal(Flat(whole.Model), Flat(resumed.Model));
        Assert.Equal(whole.Curve.Select(p => (p.Epoch, p.MeanObjective, p.HeldOutObjective, p.HeldOutCrossEntropy)),
            resumed.Curve.Select(p => (p.Epoch, p.MeanObjective, p.HeldOutObjective, p.HeldOutCrossEntropy)));
    }

    [Fact]
    public void A_diverged_run_carries_the_last_good_model()
    {
        var plan = Plan("16-8", new VpfMethod()) with
        {
            TrainingOptions = Options with { Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 1e30f } },
        };
        var error = Assert.Throws<TrainingDivergedException>(() => plan.Run(Train, HeldOut));
        var state = Assert.IsType<TrainingRunState>(error.State);
        Assert.True(state.Model.Parameters.IsFinite());
        Assert.Null(state.Checkpoint);
    }

    [Fact]
    public void Pretraining_in_the_plan_equals_greedy_pretraining_before_the_trainer()
    {
        var pretraining = new PretrainingOptions
        {
            Seed = 1, Training = new CdMethod().DefaultTraining with { Epochs = 1, Seed = 1 },
        };
        var reference = DeepBoltzmannMachine.CreateRandom(TinyModels.Parse("16-8-4"), Options.Seed);
        reference.SetVisibleBiasesFromMarginals(Train.ColumnMeans());
        GreedyPretraining.Pretrain(reference, Train, pretraining);
        var pretrained = Flat(reference);
        new MiniBatchTrainer(new VariationalProbabilityFlow(), Options).Train(reference, Train);

        var plan = Plan("16-8-4", new VpfMethod()) with { Pretraining = pretraining };
        Assert.Equal(pretrained, Flat(plan.CreateModel(Train)));
        var result = plan.Run(Train);
        Assert.Equal(Flat(reference), Flat(result.Model));
        Assert.NotNull(result.Pretraining);
        Assert.Empty(result.Curve); // no held-out set, no curve
    }

    /// <summary>The reconstruction the command line computed before it moved to the kernels, scalar and in float.</summary>
    private static float[] ScalarReconstruct(DeepBoltzmannMachine model, float[] visible, int rows, int sweeps)
    {
        int nv = model.LayerSize(0), nh = model.LayerSize(1);
        var rates = Core.Inference.MeanFieldSweep.Infer(model, visible, rows, sweeps);
        var p = new float[rows * nv];
        var w = model.Weights(0);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < nv; i++)
            {
                float u = model.Biases(0)[i];
                for (int j = 0; j < nh; j++) u += rates[1][r * nh + j] * w[i * nh + j];
                p[r * nv + i] = 1f / (1f + MathF.Exp(-u));
            }
        return p;
    }

    private static double ScalarCrossEntropy(float[] p, float[] x, int rows)
    {
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double q = Math.Clamp(p[i], 1e-6, 1 - 1e-6);
            total -= x[i] > 0.5f ? Math.Log(q) : Math.Log(1 - q);
        }
        return total / rows;
    }

    private static double ScalarReconstructionCrossEntropy(DeepBoltzmannMachine model, float[] visible, int rows, int sweeps) =>
        ScalarCrossEntropy(ScalarReconstruct(model, visible, rows, sweeps), visible, rows);
}
