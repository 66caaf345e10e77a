using System.Diagnostics;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Training.Optimisers;
using Vpf.Kernels;

namespace Vpf.Core.Training;

/// <summary>
/// The mini-batch training loop every method shares (VPF, MPF, MPF-RBM, CD, PCD, DBM-PCD): per epoch, shuffle, cut
/// mini-batches, evaluate the objective (E-step and M-step for VPF), take an optimiser step. Objective, optimiser and
/// progress are pluggable; every random choice comes from one seed.
/// </summary>
/// <remarks>
/// With <see cref="CenteringOptions.Enabled"/> the optimiser works in centered coordinates (vpf-math.md §8) for every
/// objective alike: after each evaluation the hidden offsets follow the batch-mean rates the objective reports through
/// <see cref="IMeanRateSource"/>, the optimiser steps on the centered gradient (formed during its pass over each weight
/// matrix), and after the step the stored biases are compensated so that the model is always the equivalent uncentered
/// machine. The offsets travel in <see cref="TrainingCheckpoint.Offsets"/>.
/// <para>
/// The step of every update is scaled by <see cref="TrainingOptions.StepSchedule"/>'s factor of the run's progress. On the
/// update clock the progress is a function of the epoch and batch alone, so a resumed run continues the schedule where
/// it stopped without anything more in the checkpoint; on the time budget's clock it comes from <see cref="ElapsedFraction"/>.
/// </para>
/// </remarks>
internal sealed class MiniBatchTrainer
{
    /// <summary>Creates a trainer; options are validated here.</summary>
    public MiniBatchTrainer(ITrainingObjective objective, TrainingOptions? options = null)
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
    /// Processes that train this model together (synchronous data parallelism), or null to train alone. Each process
    /// evaluates its share of every mini-batch (<see cref="BatchShard.Split"/>), the gradients and objective values
    /// are summed over the group, and every process takes the same optimiser step; cancellation on any process stops
    /// all of them after the same batch. Every process must call Train with the same options, data and
    /// starting model: that is checked before the first batch.
    /// </summary>
    public IDataParallelGroup? Group { get; init; }

    /// <summary>
    /// The fraction of the time budget spent, from the trainer's clock (seconds since the run started, those before a
    /// resume included); needed by a <see cref="StepScheduleClock.TimeBudget"/> schedule, null otherwise. Set by
    /// <see cref="TrainingPlan"/>, which knows the budget and the evaluation seconds to leave out.
    /// </summary>
    public Func<double, double>? ElapsedFraction { get; init; }

    /// <summary>
    /// Trains <paramref name="model"/> in place on <paramref name="data"/> and returns one summary per epoch (including
    /// the epochs of <paramref name="resumeFrom"/>, when given).
    /// </summary>
    /// <param name="model">The machine; its parameters are updated after every batch.</param>
    /// <param name="data">Training rows; their dimension must equal the visible layer's size.</param>
    /// <param name="progress">Called after every batch.</param>
    /// <param name="cancellation">Checked between batches.</param>
    /// <param name="resumeFrom">A checkpoint from <see cref="TrainingCanceledException"/> of a run with the same options and
    /// data; <paramref name="model"/> must hold the parameters it had at that moment.</param>
    /// <exception cref="TrainingDivergedException">A non-finite objective, gradient or parameter; the model keeps its last good parameters.</exception>
    /// <exception cref="TrainingCanceledException">Cancelled between batches; the model holds the parameters after the last finished batch.</exception>
    public IReadOnlyList<EpochSummary> Train(DeepBoltzmannMachine model, Dataset data,
        Action<TrainingProgress>? progress = null, CancellationToken cancellation = default, TrainingCheckpoint? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Train(model, _ => data, progress, cancellation, resumeFrom);
    }

    /// <summary>
    /// As <see cref="Train(DeepBoltzmannMachine, Dataset, Action{TrainingProgress}?, CancellationToken, TrainingCheckpoint?)"/>
    /// with the rows of each epoch from <paramref name="epochData"/> (epoch 1 first), called once per epoch trained. The
    /// shuffle and the batches of an epoch are cut from its own rows; the centering offset a_0 is the mean of the first
    /// epoch's rows (of a resumed run: the checkpoint's).
    /// </summary>
    public IReadOnlyList<EpochSummary> Train(DeepBoltzmannMachine model, Func<int, Dataset> epochData,
        Action<TrainingProgress>? progress = null, CancellationToken cancellation = default, TrainingCheckpoint? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(epochData);
        Objective.Validate(model.Architecture);
        var schedule = Options.StepSchedule;
        bool onBudget = schedule.Kind != StepScheduleKind.Constant && schedule.Clock == StepScheduleClock.TimeBudget;
        if (onBudget && ElapsedFraction is null)
            throw new InvalidOptionsException("StepSchedule.Clock", "a schedule on the time budget's clock needs a run with a time budget (TrainingPlan.TimeBudgetSeconds); got none.");
        if (onBudget && Group is not null)
            throw new InvalidOptionsException("StepSchedule.Clock", "a schedule on the time budget's clock would give each process of a data-parallel run its own steps; use the Updates clock.");
        // A finished run resumed trains nothing, but its checkpoint is still checked against the last epoch's rows.
        int dataEpoch = resumeFrom is null ? 1 : Math.Clamp(resumeFrom.EpochsCompleted + 1, 1, Options.Epochs);
        var data = EpochRows(model, epochData, dataEpoch);

        int batchSize = Math.Min(Options.BatchSize, data.Count);
        int batches = (data.Count + batchSize - 1) / batchSize;
        int n0 = model.LayerSize(0);
        var batch = new float[batchSize * n0];
        var gradient = new ParameterSet(model.Architecture);
        var lastGood = model.Parameters.Clone();
        DataParallelReduction? reduction = null;
        if (Group is not null)
        {
            DataParallelFingerprint.Check(Group, Options, Objective, model, data, resumeFrom);
            reduction = new DataParallelReduction(Group, model.Architecture);
        }
        bool stopAgreed = false;
        IOptimiser optimiser = Options.Optimiser.Create();
        var history = new List<EpochSummary>(); // not pre-sized: Epochs comes from the user
        int firstEpoch = 1, firstBatch = 0;
        double sumObjective = 0, secondsBefore = 0;
        long rowsSeen = 0, clamps = 0;
        var centering = Options.Centering.Enabled ? Centering.Start(model.Architecture, data, Options.Centering) : null;
        var rates = Objective as IMeanRateSource;
        if (resumeFrom is not null)
        {
            if ((resumeFrom.Offsets is null) != (centering is null))
                throw new InvalidOptionsException("resume", centering is null
                    ? "the checkpoint holds centering offsets but centering is off; it belongs to other options."
                    : "centering is on but the checkpoint holds no offsets; it belongs to other options.");
            if (centering is not null)
            {
                centering = new Centering(resumeFrom.Offsets!, Options.Centering.HiddenOffsetRate);
                centering.Validate(model.Architecture);
            }
            if (resumeFrom.EpochsCompleted > Options.Epochs || resumeFrom.BatchesCompleted >= batches)
                throw new InvalidOptionsException("resume", $"the checkpoint is at epoch {resumeFrom.EpochsCompleted}, batch {resumeFrom.BatchesCompleted}, " +
                    $"outside a run of {Options.Epochs} epochs of {batches} batches; it belongs to other options or data.");
            optimiser.ImportState(resumeFrom.Optimiser);
            history.AddRange(resumeFrom.History);
            (firstEpoch, firstBatch) = (resumeFrom.EpochsCompleted + 1, resumeFrom.BatchesCompleted);
            (sumObjective, rowsSeen, clamps, secondsBefore) = (resumeFrom.EpochObjectiveSum, resumeFrom.EpochRows, resumeFrom.EpochClamps, resumeFrom.Seconds);
        }
        var clock = Stopwatch.StartNew();
        double Seconds() => secondsBefore + clock.Elapsed.TotalSeconds;

        for (int epoch = firstEpoch; epoch <= Options.Epochs; epoch++)
        {
            if (epoch != dataEpoch)
            {
                (data, dataEpoch) = (EpochRows(model, epochData, epoch), epoch);
                batchSize = Math.Min(Options.BatchSize, data.Count);
                batches = (data.Count + batchSize - 1) / batchSize;
                if (batch.Length < batchSize * n0) batch = new float[batchSize * n0];
            }
            var order = EpochOrder(data.Count, epoch);
            for (int b = epoch == firstEpoch ? firstBatch : 0; b < batches; b++)
            {
                if (reduction is null ? cancellation.IsCancellationRequested : stopAgreed)
                    throw new TrainingCanceledException(
                        new TrainingCheckpoint(epoch - 1, b, sumObjective, rowsSeen, clamps, Seconds(), history.ToArray(), optimiser.ExportState())
                        { Offsets = centering?.ExportOffsets() },
                        cancellation);
                int start = b * batchSize, rows = Math.Min(batchSize, data.Count - start);
                ulong key = CounterRandom.StreamKey((ulong)(uint)Options.Seed, (ulong)epoch, (ulong)b);
                ObjectiveValue eval;
                int localRows = rows;
                if (reduction is null)
                {
                    data.CopyRows(order.AsSpan(start, rows), batch.AsSpan(0, rows * n0));
                    eval = Objective.Evaluate(model, batch.AsSpan(0, rows * n0), rows, gradient, key);
                }
                else
                {
                    var (shard, local) = BatchShard.Split(rows, reduction.Group.Rank, reduction.Group.Size);
                    localRows = local;
                    eval = default;
                    if (local > 0)
                    {
                        data.CopyRows(order.AsSpan(start + shard.FirstRow, local), batch.AsSpan(0, local * n0));
                        eval = Objective.Evaluate(model, batch.AsSpan(0, local * n0), local, gradient, key, shard);
                    }
                    else gradient.Clear();
                    // Before any check, so that every process sees the same objective and gradient and takes the same branch.
                    (eval, stopAgreed) = reduction.Sum(eval, gradient, local, rows, cancellation.IsCancellationRequested);
                }

                if (!double.IsFinite(eval.Value))
                    throw new TrainingDivergedException(epoch, b + 1, $"the objective is {eval.Value}");
                if (eval.Value > Options.DivergenceThreshold)
                    throw new TrainingDivergedException(epoch, b + 1,
                        $"the objective {eval.Value:G3} exceeds the divergence threshold {Options.DivergenceThreshold:G3} ({eval.ClampCount} fields hit the ±60 clamp)");
                if (!gradient.IsFinite())
                    throw new TrainingDivergedException(epoch, b + 1, "the gradient has a non-finite entry");
                if (centering is not null && rates is not null)
                    centering.FollowRates(reduction is null ? rates : new ShardMeanRates(rates, reduction.Group, localRows, rows));
                double stepFactor = schedule.Kind == StepScheduleKind.Constant ? 1
                    : schedule.Factor(onBudget ? ElapsedFraction!(Seconds()) : StepScheduleOptions.UpdateProgress(epoch, b, batches, Options.Epochs));
                if (centering is null) optimiser.Step(model.Parameters, gradient, stepFactor);
                else centering.Step(optimiser, model.Parameters, gradient, lastGood, stepFactor);
                if (!model.Parameters.IsFinite())
                {
                    model.Parameters.CopyFrom(lastGood);
                    throw new TrainingDivergedException(epoch, b + 1, "the optimiser step produced a non-finite parameter");
                }
                lastGood.CopyFrom(model.Parameters);

                sumObjective += eval.Value * rows;
                rowsSeen += rows;
                clamps += eval.ClampCount;
                progress?.Invoke(new TrainingProgress(epoch, b + 1, batches, eval.Value, sumObjective / rowsSeen, Seconds(), eval.ClampCount));
            }
            history.Add(new EpochSummary(epoch, sumObjective / rowsSeen, Seconds(), clamps));
            (sumObjective, rowsSeen, clamps) = (0, 0, 0);
        }
        return history;
    }

    private static Dataset EpochRows(DeepBoltzmannMachine model, Func<int, Dataset> epochData, int epoch)
    {
        var data = epochData(epoch) ?? throw new InvalidOptionsException("data", $"the data source gave no rows (null) for epoch {epoch}.");
        string which = epoch == 1 ? "rows" : $"epoch {epoch}'s rows";
        if (data.Dimension != model.LayerSize(0))
            throw new InvalidOptionsException("data", $"{which} have {data.Dimension} values but the model has {model.LayerSize(0)} visible units.");
        if (data.Count == 0)
            throw new InvalidOptionsException("data", epoch == 1 ? "the training set is empty." : $"the training set of epoch {epoch} is empty.");
        if (!model.Architecture.HasGaussianVisible && !data.IsBinary)
            throw new InvalidOptionsException("data", $"{which} hold values other than 0 and 1 but the visible units are binary.");
        return data;
    }

    /// <summary>The row order of an epoch, derived from (seed, epoch) alone so that a resumed run sees the same batches.</summary>
    private int[] EpochOrder(int count, int epoch) =>
        Options.Shuffle
            ? Permutation.Create(count, CounterRandom.StreamKey((ulong)(uint)Options.Seed, (ulong)epoch, ulong.MaxValue))
            : Enumerable.Range(0, count).ToArray();
}
