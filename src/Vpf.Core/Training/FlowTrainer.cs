using System.Diagnostics;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training.Optimisers;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// The training loop: per epoch, shuffle, cut mini-batches, evaluate the objective (E-step and M-step for VPF), take an
/// optimiser step. Objective, optimiser and progress are pluggable; every random choice comes from one seed.
/// </summary>
public sealed class FlowTrainer
{
    /// <summary>Creates a trainer; options are validated here.</summary>
    public FlowTrainer(ITrainingObjective objective, TrainingOptions? options = null)
    {
        Objective = objective;
        Options = options ?? new TrainingOptions();
        Options.Validate();
    }

    /// <summary>The objective being minimised.</summary>
    public ITrainingObjective Objective { get; }

    /// <summary>The loop's options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>
    /// Trains <paramref name="model"/> in place on <paramref name="data"/> and returns one summary per epoch.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A non-finite K, gradient or parameter; the model keeps its last good parameters.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between batches; the model holds the parameters after the last finished batch.</exception>
    public IReadOnlyList<EpochSummary> Train(DeepBoltzmannMachine model, BinaryDataset data,
        Action<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        Objective.Validate(model.Architecture);
        if (data.Dimension != model.LayerSize(0))
            throw new InvalidOptionsException("data", $"rows have {data.Dimension} values but the model has {model.LayerSize(0)} visible units.");
        if (data.Count == 0)
            throw new InvalidOptionsException("data", "the training set is empty.");

        int batchSize = Math.Min(Options.BatchSize, data.Count);
        int batches = (data.Count + batchSize - 1) / batchSize;
        int n0 = model.LayerSize(0);
        var order = Enumerable.Range(0, data.Count).ToArray();
        var shuffler = new Random(Options.Seed);
        var batch = new float[batchSize * n0];
        var gradient = new ParameterSet(model.Architecture);
        var lastGood = model.Parameters.Clone();
        IOptimiser optimiser = Options.Optimiser.Create();
        var history = new List<EpochSummary>(Options.Epochs);
        var clock = Stopwatch.StartNew();

        for (int epoch = 1; epoch <= Options.Epochs; epoch++)
        {
            if (Options.Shuffle) shuffler.Shuffle(order);
            double sumK = 0;
            long rowsSeen = 0, clamps = 0;
            for (int b = 0; b < batches; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                int start = b * batchSize, rows = Math.Min(batchSize, data.Count - start);
                data.CopyRows(order.AsSpan(start, rows), batch.AsSpan(0, rows * n0));
                ulong key = CounterRandom.StreamKey((ulong)(uint)Options.Seed, (ulong)epoch, (ulong)b);
                var eval = Objective.Evaluate(model, batch.AsSpan(0, rows * n0), rows, gradient, key);

                if (!double.IsFinite(eval.K))
                    throw new TrainingDivergedException(epoch, b + 1, $"the flow objective K is {eval.K}");
                if (!gradient.IsFinite())
                    throw new TrainingDivergedException(epoch, b + 1, "the gradient has a non-finite entry");
                optimiser.Step(model.Parameters, gradient);
                if (!model.Parameters.IsFinite())
                {
                    model.Parameters.CopyFrom(lastGood);
                    throw new TrainingDivergedException(epoch, b + 1, "the optimiser step produced a non-finite parameter");
                }
                lastGood.CopyFrom(model.Parameters);

                sumK += eval.K * rows;
                rowsSeen += rows;
                clamps += eval.ClampCount;
                progress?.Invoke(new TrainingProgress(epoch, b + 1, batches, eval.K, sumK / rowsSeen, clock.Elapsed.TotalSeconds, eval.ClampCount));
            }
            history.Add(new EpochSummary(epoch, sumK / rowsSeen, clock.Elapsed.TotalSeconds, clamps));
        }
        return history;
    }
}
