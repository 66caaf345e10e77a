using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Training;

/// <summary>A training set per epoch through <see cref="TrainingPlan"/>.Run(Func&lt;int, BinaryDataset&gt;, …).</summary>
public class EpochDataSourceTests
{
    private static TrainingPlan Plan(int epochs = 3) => new()
    {
        Architecture = Architecture.Dbm(10, 6, 4),
        TrainingOptions = new TrainingOptions
        {
            Epochs = epochs, BatchSize = 25, Seed = 9,
            Optimiser = new OptimiserOptions { LearningRate = 0.01f },
            Centering = new CenteringOptions { Enabled = true },
        },
        Initialisation = new Initialisation { Seed = 2 },
    };

    // Each epoch its own rows, as a fresh binarisation would give: other noise, same width and count.
    private static BinaryDataset Epoch(int epoch) => SyntheticData.Prototypes(110, 10, prototypes: 3, noise: 0.15, seed: 100 + epoch);

    private static float[] Flat(DeepBoltzmannMachine model) => model.Parameters.Tensors.SelectMany(t => t).ToArray();

    [Fact]
    public void A_set_per_epoch_trains_as_stopping_after_each_epoch_and_resuming_on_the_next_set_does()
    {
        var plan = Plan();
        var result = plan.Run(Epoch);

        // The independent route: one run per epoch, cancelled at the epoch's end and resumed on the next epoch's rows.
        TrainingRunState? state = null;
        DeepBoltzmannMachine? stepwise = null;
        for (int epoch = 1; stepwise is null; epoch++)
        {
            using var stop = new CancellationTokenSource();
            int last = epoch;
            try
            {
                stepwise = plan.Run(Epoch(epoch), progress: p =>
                {
                    if (p.Epoch == last && p.Batch == p.BatchesPerEpoch && last < plan.TrainingOptions.Epochs) stop.Cancel();
                }, cancellation: stop.Token, resumeFrom: state).Model;
            }
            catch (TrainingCanceledException e)
            {
                state = e.State;
            }
        }

        Assert.Equal(Flat(stepwise), Flat(result.Model));
        Assert.NotEqual(Flat(plan.Run(Epoch(1)).Model), Flat(result.Model));
    }

    [Fact]
    public void The_source_is_asked_once_for_each_epoch_in_order()
    {
        var asked = new List<int>();
        Plan().Run(e => { asked.Add(e); return Epoch(e); });
        Assert.Equal([1, 2, 3], asked);
    }

    [Fact]
    public void A_run_cancelled_mid_epoch_and_resumed_on_the_same_source_equals_an_uninterrupted_run()
    {
        var plan = Plan();
        var reference = plan.Run(Epoch);

        using var stop = new CancellationTokenSource();
        var e = Assert.Throws<TrainingCanceledException>(() => plan.Run(Epoch, progress: p =>
        {
            if (p.Epoch == 2 && p.Batch == 2) stop.Cancel();
        }, cancellation: stop.Token));
        var asked = new List<int>();
        var resumed = plan.Run(epoch => { asked.Add(epoch); return Epoch(epoch); }, resumeFrom: e.State);

        Assert.Equal([2, 3], asked);
        Assert.Equal(Flat(reference.Model), Flat(resumed.Model));
        Assert.Equal(reference.History.Select(h => h.MeanObjective), resumed.History.Select(h => h.MeanObjective));
    }

    [Fact]
    public void Rows_of_another_width_in_a_later_epoch_are_refused_naming_the_epoch()
    {
        var e = Assert.Throws<InvalidOptionsException>(() =>
            Plan().Run(epoch => epoch == 2 ? SyntheticData.Prototypes(50, 9, prototypes: 2, noise: 0.1, seed: 1) : Epoch(epoch)));
        Assert.Equal("data", e.Option);
        Assert.Equal("epoch 2's rows have 9 values but the model has 10 visible units.", e.Detail);
    }

    [Fact]
    public void No_rows_for_an_epoch_are_refused_naming_the_epoch()
    {
        var e = Assert.Throws<InvalidOptionsException>(() => Plan().Run(epoch => epoch == 3 ? null! : Epoch(epoch)));
        Assert.Equal("data", e.Option);
        Assert.Contains("epoch 3", e.Detail);
    }
}
