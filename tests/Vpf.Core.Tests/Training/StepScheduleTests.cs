using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Training;

/// <summary>
/// The step-size schedule: its factor against the closed forms, the step the trainer actually takes at each update
/// count, a resumed run continuing the schedule bit for bit, and the options' checks and record.
/// </summary>
public class StepScheduleTests
{
    /// <summary>Every gradient entry is 1, so with plain SGD (momentum 0, no decay) each update moves every parameter by exactly −η_t.</summary>
    private sealed class UnitGradient : ITrainingObjective
    {
        public ObjectiveValue Evaluate(DeepBoltzmannMachine model, ReadOnlySpan<float> visible, int rows, ParameterSet gradient, ulong randomKey)
        {
            foreach (var t in gradient.Tensors) Array.Fill(t, 1f);
            return new ObjectiveValue(0, 0);
        }

        public void Validate(Architecture architecture) { }
    }

    [Theory]
    [InlineData(StepScheduleKind.Linear, 0.1, 0.0, 1.0)]
    [InlineData(StepScheduleKind.Linear, 0.1, 0.5, 0.55)]
    [InlineData(StepScheduleKind.Linear, 0.1, 1.0, 0.1)]
    [InlineData(StepScheduleKind.Linear, 0.0, 0.25, 0.75)]
    [InlineData(StepScheduleKind.Cosine, 0.1, 0.0, 1.0)]
    [InlineData(StepScheduleKind.Cosine, 0.1, 0.5, 0.55)]
    [InlineData(StepScheduleKind.Cosine, 0.1, 1.0, 0.1)]
    [InlineData(StepScheduleKind.Cosine, 0.0, 0.25, 0.853553390593273762)] // (1 + cos π/4) / 2
    [InlineData(StepScheduleKind.Cosine, 0.2, 0.75, 0.317157287525380990)] // 0.2 + 0.8 (1 − √½) / 2
    [InlineData(StepScheduleKind.Constant, 0.1, 0.7, 1.0)]
    [InlineData(StepScheduleKind.Linear, 0.1, 1.5, 0.1)] // progress beyond the end stays at the final fraction
    public void The_factor_follows_the_closed_form(StepScheduleKind kind, double finalFraction, double progress, double expected)
    {
        var schedule = new StepScheduleOptions { Kind = kind, FinalFraction = finalFraction };
        Assert.Equal(expected, schedule.Factor(progress), 14);
    }

    [Theory]
    [InlineData(StepScheduleKind.Linear)]
    [InlineData(StepScheduleKind.Cosine)]
    [InlineData(StepScheduleKind.Constant)]
    public void Each_update_s_step_is_the_schedule_at_its_update_count(StepScheduleKind kind)
    {
        const int epochs = 3, batches = 4;
        const float eta = 0.01f;
        const double f = 0.2;
        var data = SyntheticData.Prototypes(40, 6, prototypes: 2, noise: 0.1, seed: 1);
        var options = new TrainingOptions
        {
            Epochs = epochs, BatchSize = 10, Seed = 3, Centering = new CenteringOptions { Enabled = false },
            Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = eta, Momentum = 0 },
            StepSchedule = new StepScheduleOptions { Kind = kind, FinalFraction = f },
        };
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 3), seed: 2);
        var weights = new List<float> { model.Parameters.Weights[0][0] };
        new MiniBatchTrainer(new UnitGradient(), options).Train(model, data, _ => weights.Add(model.Parameters.Weights[0][0]));

        Assert.Equal(epochs * batches + 1, weights.Count);
        for (int t = 0; t < epochs * batches; t++)
        {
            double p = t / (double)(epochs * batches);
            double closedForm = kind switch
            {
                StepScheduleKind.Linear => 1 - (1 - f) * p,
                StepScheduleKind.Cosine => f + (1 - f) * (1 + Math.Cos(Math.PI * p)) / 2,
                _ => 1,
            };
            float step = weights[t] - weights[t + 1];
            Assert.True(Math.Abs(step - eta * closedForm) < 1e-6 * eta, $"update {t}: step {step}, closed form {eta * closedForm}");
        }
        if (kind == StepScheduleKind.Constant)
            for (int t = 0; t < epochs * batches; t++)
                Assert.Equal(weights[t] - eta, weights[t + 1]); // exactly the unscheduled update, θ − η·1
    }

    [Fact]
    public void On_the_budget_s_clock_the_step_is_the_schedule_at_the_budget_s_spent_fraction()
    {
        const float eta = 0.01f;
        var data = SyntheticData.Prototypes(40, 6, prototypes: 2, noise: 0.1, seed: 1);
        var options = new TrainingOptions
        {
            Epochs = 2, BatchSize = 10, Centering = new CenteringOptions { Enabled = false },
            Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = eta },
            StepSchedule = new StepScheduleOptions { Kind = StepScheduleKind.Cosine, FinalFraction = 0.3, Clock = StepScheduleClock.TimeBudget },
        };
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 3), seed: 2);
        var weights = new List<float> { model.Parameters.Weights[0][0] };
        // Half the budget spent throughout: every step is η (0.3 + 0.7 · ½) = 0.65 η, whatever the update count.
        new MiniBatchTrainer(new UnitGradient(), options) { ElapsedFraction = _ => 0.5 }.Train(model, data, _ => weights.Add(model.Parameters.Weights[0][0]));
        float expected = (float)(eta * 0.65);
        Assert.All(Enumerable.Range(0, 8), t => Assert.Equal(expected, weights[t] - weights[t + 1], 1e-8f));

        var ex = Assert.Throws<InvalidOptionsException>(() => new MiniBatchTrainer(new UnitGradient(), options).Train(model, data));
        Assert.Equal("StepSchedule.Clock", ex.Option);
    }

    [Theory]
    [InlineData(OptimiserKind.Adam, StepScheduleKind.Cosine, 3)]
    [InlineData(OptimiserKind.Adam, StepScheduleKind.Linear, 5)]  // exactly at the end of epoch 1
    [InlineData(OptimiserKind.SgdMomentum, StepScheduleKind.Linear, 7)]
    public void A_resumed_scheduled_run_continues_the_schedule_and_equals_an_uninterrupted_run(OptimiserKind optimiser, StepScheduleKind kind, int cancelAfterBatches)
    {
        var data = SyntheticData.Prototypes(110, 10, prototypes: 3, noise: 0.1, seed: 1);
        var options = new TrainingOptions
        {
            Epochs = 3, BatchSize = 25, Seed = 9,
            Optimiser = new OptimiserOptions { Kind = optimiser, LearningRate = optimiser == OptimiserKind.Adam ? 0.01f : 0.05f },
            StepSchedule = new StepScheduleOptions { Kind = kind, FinalFraction = 0.05 },
        };
        DeepBoltzmannMachine NewModel() => DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(10, 6, 4), seed: 2);

        var reference = NewModel();
        new MiniBatchTrainer(new VariationalProbabilityFlow(), options).Train(reference, data);
        var constant = NewModel();
        new MiniBatchTrainer(new VariationalProbabilityFlow(), options with { StepSchedule = new() }).Train(constant, data);

        var interrupted = NewModel();
        using var cts = new CancellationTokenSource();
        int seen = 0;
        var ex = Assert.Throws<TrainingCanceledException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), options)
            .Train(interrupted, data, _ => { if (++seen == cancelAfterBatches) cts.Cancel(); }, cts.Token));
        new MiniBatchTrainer(new VariationalProbabilityFlow(), options).Train(interrupted, data, resumeFrom: ex.Checkpoint);

        var bits = (DeepBoltzmannMachine m) => m.Parameters.Tensors.SelectMany(t => t).Select(BitConverter.SingleToInt32Bits).ToArray();
        Assert.Equal(bits(reference), bits(interrupted));
        Assert.NotEqual(bits(constant), bits(reference)); // the schedule changed the steps
    }

    [Fact]
    public void A_plan_names_a_bad_schedule_by_its_path()
    {
        var plan = new TrainingPlan
        {
            Architecture = Architecture.Rbm(6, 3), Method = new VpfMethod(),
            TrainingOptions = new TrainingOptions { StepSchedule = new StepScheduleOptions { Kind = StepScheduleKind.Linear, FinalFraction = 1.5 } },
        };
        Assert.Equal("TrainingOptions.StepSchedule.FinalFraction", Assert.Throws<InvalidOptionsException>(plan.Validate).Option);

        var onBudget = plan with { TrainingOptions = new TrainingOptions { StepSchedule = new StepScheduleOptions { Kind = StepScheduleKind.Cosine, Clock = StepScheduleClock.TimeBudget } } };
        Assert.Equal("TrainingOptions.StepSchedule.Clock", Assert.Throws<InvalidOptionsException>(onBudget.Validate).Option);
        (onBudget with { TimeBudgetSeconds = 10 }).Validate();

        var kind = plan with { TrainingOptions = new TrainingOptions { StepSchedule = new StepScheduleOptions { Kind = (StepScheduleKind)9 } } };
        Assert.Equal("TrainingOptions.StepSchedule.Kind", Assert.Throws<InvalidOptionsException>(kind.Validate).Option);
    }

    [Fact]
    public void A_plan_on_the_budget_s_clock_decays_over_its_training_seconds()
    {
        var data = SyntheticData.Prototypes(60, 8, prototypes: 2, noise: 0.1, seed: 4);
        var plan = new TrainingPlan
        {
            Architecture = Architecture.Rbm(8, 4), Method = new VpfMethod(),
            TrainingOptions = new TrainingOptions
            {
                // Uncentered: the centering's offsets would move the biases even with a zero step.
                Epochs = 2, BatchSize = 20, Seed = 1, Centering = new CenteringOptions { Enabled = false },
                Optimiser = new OptimiserOptions { Kind = OptimiserKind.SgdMomentum, LearningRate = 0.05f },
                StepSchedule = new StepScheduleOptions { Kind = StepScheduleKind.Linear, FinalFraction = 0, Clock = StepScheduleClock.TimeBudget },
            },
        };
        var bits = (DeepBoltzmannMachine m) => m.Parameters.Tensors.SelectMany(t => t).Select(BitConverter.SingleToInt32Bits).ToArray();
        var constant = plan with { TrainingOptions = plan.TrainingOptions with { StepSchedule = new() } };
        // A budget of a year: a few milliseconds of training leave the factor within 1e-9 of 1, which rounds the float step to η itself.
        Assert.Equal(bits(constant.Run(data).Model), bits((plan with { TimeBudgetSeconds = 3.15e7 }).Run(data).Model));
        // A budget far shorter than one update: from the first update on it is spent, the factor is f = 0 and nothing moves.
        var start = constant.CreateModel(data);
        Assert.Equal(bits(start), bits((plan with { TimeBudgetSeconds = 1e-12 }).Run(data).Model));
    }

    [Fact]
    public void Data_parallel_training_refuses_the_budget_s_clock_and_takes_the_update_clock()
    {
        var data = SyntheticData.Prototypes(60, 8, prototypes: 2, noise: 0.1, seed: 4);
        var plan = new TrainingPlan
        {
            Architecture = Architecture.Rbm(8, 4), Method = new VpfMethod(), TimeBudgetSeconds = 100,
            TrainingOptions = new TrainingOptions
            {
                Epochs = 2, BatchSize = 20, Seed = 1,
                StepSchedule = new StepScheduleOptions { Kind = StepScheduleKind.Cosine, Clock = StepScheduleClock.TimeBudget },
            },
        };
        var errors = InProcessGroup.Run(2, group => Assert.Throws<InvalidOptionsException>(() => plan.Run(data, group: group)));
        Assert.All(errors, e => Assert.Equal("TrainingOptions.StepSchedule.Clock", e.Option));

        // On the update clock the processes take the same steps (the same machine, bit for bit), those one process alone
        // takes up to the order of the gradient sums.
        var updates = plan with { TrainingOptions = plan.TrainingOptions with { StepSchedule = new StepScheduleOptions { Kind = StepScheduleKind.Cosine } } };
        var values = (DeepBoltzmannMachine m) => m.Parameters.Tensors.SelectMany(t => t).ToArray();
        var alone = values(updates.Run(data).Model);
        var together = InProcessGroup.Run(2, group => values(updates.Run(data, group: group).Model));
        Assert.Equal(together[0], together[1]);
        Assert.All(alone.Zip(together[0]), p => Assert.Equal(p.First, p.Second, 1e-5f));
    }

    [Fact]
    public void The_schedule_is_recorded_in_the_options_json_and_read_back()
    {
        var options = new TrainingOptions { StepSchedule = new StepScheduleOptions { Kind = StepScheduleKind.Cosine, FinalFraction = 0.25, Clock = StepScheduleClock.TimeBudget } };
        string json = OptionsJson.Serialize(options);
        Assert.Contains("\"stepSchedule\": {", json);
        Assert.Contains("\"kind\": \"Cosine\"", json);
        Assert.Contains("\"clock\": \"TimeBudget\"", json);
        Assert.Equal(options, OptionsJson.DeserializeTrainingOptions(json));
        // Options recorded before schedules existed read as the constant step they were trained with.
        Assert.Equal(new StepScheduleOptions(), OptionsJson.DeserializeTrainingOptions("""{ "epochs": 4 }""").StepSchedule);
    }
}
