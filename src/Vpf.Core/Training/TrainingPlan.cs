using System.Diagnostics;
using Vpf.Core.Data;
using Vpf.Core.Evaluation;
using Vpf.Core.Model;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Training;

/// <summary>
/// One training run as a value: the machine's <see cref="Architecture"/>, the <see cref="Method"/>, the loop's
/// <see cref="TrainingOptions"/>, the <see cref="Initialisation"/> and optional greedy <see cref="Pretraining"/>.
/// <see cref="Validate"/> checks all of it in one place; Run builds the machine, trains it with the method's objective
/// on one training set or on a fresh set per epoch, and records the held-out curve. Front ends (command line, ML.NET, scripts) build a plan
/// and map the option names of <see cref="InvalidOptionsException"/> to their own.
/// </summary>
/// <remarks>
/// Option names are property paths from the plan: "Architecture", "Method" (it cannot train the architecture),
/// "Method.Steps", "Method.Options.MeanFieldSweeps", "TrainingOptions.Epochs", "TrainingOptions.Optimiser.LearningRate",
/// "Initialisation.WeightScale", "Pretraining", "Pretraining.Training.Epochs", "HeldOutRows". A plan trains at least
/// one epoch (<see cref="TrainingOptions.Epochs"/> ≥ 1): an untrained machine is
/// <see cref="DeepBoltzmannMachine.CreateRandom"/>, not a run.
/// </remarks>
public sealed record TrainingPlan
{
    /// <summary>Layer sizes (visible first) and lateral weights.</summary>
    public required Architecture Architecture { get; init; }

    /// <summary>The objective and its options. Default VPF with <see cref="VpfOptions"/>' defaults.</summary>
    public TrainingMethod Method { get; init; } = new VpfMethod();

    /// <summary>
    /// Epochs, mini-batches, seed, optimiser, centering. Default (or when set to null): the method's own
    /// <see cref="TrainingMethod.DefaultTraining"/>, following <see cref="Method"/> when only the method is changed.
    /// </summary>
    public TrainingOptions TrainingOptions
    {
        get => _trainingOptions ?? Method?.DefaultTraining!;
        init => _trainingOptions = value;
    }

    private readonly TrainingOptions? _trainingOptions;

    /// <summary>Initial weights and biases.</summary>
    public Initialisation Initialisation { get; init; } = new();

    /// <summary>Greedy layer-wise pretraining by a stack of RBMs before training (<see cref="GreedyPretraining"/>); null (the default) for none.</summary>
    public PretrainingOptions? Pretraining { get; init; }

    /// <summary>Held-out rows (the first ones of the held-out set) the curve is measured on; ≥ 1. Default <see cref="HeldOutMetrics.DefaultRows"/>.</summary>
    public int HeldOutRows { get; init; } = HeldOutMetrics.DefaultRows;

    /// <summary>
    /// Training seconds (held-out evaluation excluded) after which the run stops at the end of the epoch that reached
    /// them, so that methods can be compared at equal time; <see cref="TrainingOptions.Epochs"/> stays the upper bound.
    /// Null (the default): no limit.
    /// </summary>
    public double? TimeBudgetSeconds { get; init; }

    /// <summary>Throws <see cref="InvalidOptionsException"/> naming the first bad option by its path from the plan.</summary>
    public void Validate()
    {
        if (Architecture is null) throw new InvalidOptionsException(nameof(Architecture), "must be set; got null.");
        if (Method is null) throw new InvalidOptionsException(nameof(Method), "must be set; got null.");
        Within(nameof(Method), Method.Validate);
        try
        {
            Method.Validate(Architecture);
        }
        catch (InvalidOptionsException e)
        {
            throw new InvalidOptionsException(nameof(Method), e.Detail);
        }
        if (TrainingOptions is null) throw new InvalidOptionsException(nameof(TrainingOptions), "must be set; got null.");
        Within(nameof(TrainingOptions), TrainingOptions.Validate);
        if (Initialisation is null) throw new InvalidOptionsException(nameof(Initialisation), "must be set; got null.");
        Within(nameof(Initialisation), Initialisation.Validate);
        if (Pretraining is { } pretraining)
        {
            Within(nameof(Pretraining), pretraining.Validate);
            if (Architecture.LayerCount < 2 || Architecture.HasLateral.Any(x => x))
                throw new InvalidOptionsException(nameof(Pretraining),
                    $"greedy pretraining stacks RBMs: it needs a hidden layer and no lateral weights; got {Architecture}.");
        }
        if (HeldOutRows < 1) throw new InvalidOptionsException(nameof(HeldOutRows), $"must be ≥ 1; got {HeldOutRows}.");
        if (TimeBudgetSeconds is { } budget && !(budget > 0 && double.IsFinite(budget)))
            throw new InvalidOptionsException(nameof(TimeBudgetSeconds), $"must be a finite number of seconds > 0, or null; got {budget}.");
        if (OnBudgetClock && TimeBudgetSeconds is null)
            throw new InvalidOptionsException($"{nameof(TrainingOptions)}.StepSchedule.Clock",
                "a schedule on the time budget's clock needs a time budget; got none.");
    }

    /// <summary>Whether the step schedule runs on the time budget's clock.</summary>
    private bool OnBudgetClock =>
        TrainingOptions.StepSchedule is { Kind: not StepScheduleKind.Constant, Clock: StepScheduleClock.TimeBudget };

    /// <summary>
    /// The machine before training: random weights (<see cref="Initialisation"/>), visible biases from
    /// <paramref name="train"/>'s marginals, then the greedy pretraining when the plan has one.
    /// </summary>
    /// <exception cref="InvalidOptionsException">A bad option, or data whose width differs from the visible layer ("data").</exception>
    public DeepBoltzmannMachine CreateModel(Dataset train) => Initialise(train).Model;

    /// <summary>
    /// Trains: builds the machine (<see cref="CreateModel"/>) or goes on from <paramref name="resumeFrom"/>, runs the
    /// mini-batch loop with one objective from <see cref="Method"/>, and after every epoch records a
    /// <see cref="CurvePoint"/> on the first <see cref="HeldOutRows"/> rows of <paramref name="heldOut"/>.
    /// </summary>
    /// <param name="train">Training rows; their width must be the visible layer's size.</param>
    /// <param name="heldOut">Held-out rows for the curve; null (or empty) for no curve.</param>
    /// <param name="progress">Called after every batch (its seconds exclude evaluation and earlier callbacks; pretraining is not reported).</param>
    /// <param name="cancellation">Checked between batches.</param>
    /// <param name="resumeFrom">A state from <see cref="TrainingCanceledException.State"/> of a run of this plan on the same data, or
    /// <see cref="TrainingRunState.Start"/> of a machine made by <see cref="CreateModel"/>.</param>
    /// <param name="epochCompleted">Called with each new curve point, after the epoch's last <paramref name="progress"/> call (its time is excluded too);
    /// the curve is the held-out record, so without <paramref name="heldOut"/> rows it is never called (use <paramref name="progress"/>).</param>
    /// <param name="group">With data-parallel training, the processes that train together (each passes its own shard of every
    /// mini-batch through the objective and the gradients are summed); null to train alone.</param>
    /// <exception cref="InvalidOptionsException">A bad option, named by its path from the plan.</exception>
    /// <exception cref="TrainingCanceledException">Cancelled; <see cref="TrainingCanceledException.State"/> holds what a resume needs.</exception>
    /// <exception cref="TrainingDivergedException">Diverged; <see cref="TrainingDivergedException.State"/> holds the machine at its last good parameters.</exception>
    public TrainingResult Run(Dataset train, Dataset? heldOut = null, Action<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, TrainingRunState? resumeFrom = null, Action<CurvePoint>? epochCompleted = null,
        IDataParallelGroup? group = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        return Run(_ => train, heldOut, progress, cancellation, resumeFrom, epochCompleted, group);
    }

    /// <summary>
    /// As <see cref="Run(Dataset, Dataset?, Action{TrainingProgress}?, CancellationToken, TrainingRunState?, Action{CurvePoint}?, IDataParallelGroup?)"/>,
    /// with a fresh training set for every epoch, e.g. a new stochastic binarisation of the same grey levels (the
    /// ML.NET featurizer's <c>StochasticBinarisation</c>). One run throughout: the optimiser's state, the centering
    /// offsets, the objective's state, the held-out curve and the time budget carry over from epoch to epoch as they
    /// do with one set.
    /// </summary>
    /// <param name="trainForEpoch">The training rows of epoch e = 1 … <see cref="TrainingOptions.Epochs"/>. It is called once
    /// per epoch trained, in order; every epoch's rows must have the visible layer's width (their number may differ).
    /// Epoch 1's rows also set what <see cref="CreateModel"/> takes from the data (visible biases, pretraining) and the
    /// centering offset a_0. For a resume to reproduce an uninterrupted run, the same epoch must give the same rows
    /// (derive them from a seed and the epoch); a resumed run starts by asking for the checkpoint's epoch. With
    /// <paramref name="group"/>, every process must give the same rows for every epoch (only the first epoch's are compared).</param>
    /// <param name="heldOut">Held-out rows for the curve; null (or empty) for no curve.</param>
    /// <param name="progress">Called after every batch (its seconds exclude evaluation and earlier callbacks; pretraining is not reported).</param>
    /// <param name="cancellation">Checked between batches.</param>
    /// <param name="resumeFrom">A state from <see cref="TrainingCanceledException.State"/> of a run of this plan on the same data source, or
    /// <see cref="TrainingRunState.Start"/> of a machine made by <see cref="CreateModel"/>.</param>
    /// <param name="epochCompleted">Called with each new curve point, after the epoch's last <paramref name="progress"/> call.</param>
    /// <param name="group">With data-parallel training, the processes that train together; null to train alone.</param>
    /// <exception cref="InvalidOptionsException">A bad option, named by its path from the plan; rows of the wrong width, no rows or null ("data").</exception>
    /// <exception cref="TrainingCanceledException">Cancelled; <see cref="TrainingCanceledException.State"/> holds what a resume needs.</exception>
    /// <exception cref="TrainingDivergedException">Diverged; <see cref="TrainingDivergedException.State"/> holds the machine at its last good parameters.</exception>
    public TrainingResult Run(Func<int, Dataset> trainForEpoch, Dataset? heldOut = null, Action<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, TrainingRunState? resumeFrom = null, Action<CurvePoint>? epochCompleted = null,
        IDataParallelGroup? group = null)
    {
        ArgumentNullException.ThrowIfNull(trainForEpoch);
        Validate();
        if (OnBudgetClock && group is not null)
            throw new InvalidOptionsException($"{nameof(TrainingOptions)}.StepSchedule.Clock",
                "a schedule on the time budget's clock would give each process of a data-parallel run its own steps; use the Updates clock.");
        if (Method.Settings.PersistentSamples is > 0 && group is not null)
            throw new InvalidOptionsException($"{nameof(Method)}.Options.{nameof(VpfOptions.PersistentSamples)}",
                "persistent chains belong to one process, so a data-parallel run would connect each process's rows to its own chains only; train alone or set 0.");
        // The plan's first look at the rows (for the checks and the initial machine) and the trainer's share one call.
        int firstEpoch = resumeFrom?.Checkpoint is { } c ? Math.Clamp(c.EpochsCompleted + 1, 1, TrainingOptions.Epochs) : 1;
        var first = trainForEpoch(firstEpoch) ?? throw new InvalidOptionsException("data", $"the data source gave no rows (null) for epoch {firstEpoch}.");
        CheckData(first);
        Dataset EpochRows(int epoch) => epoch == firstEpoch ? first : trainForEpoch(epoch);
        if (heldOut is not null && heldOut.Count > 0 && heldOut.Dimension != Architecture.VisibleSize)
            throw new InvalidOptionsException("heldOut", $"rows have {heldOut.Dimension} values but the model has {Architecture.VisibleSize} visible units.");
        if (heldOut is not null && heldOut.Count > 0 && !Architecture.HasGaussianVisible && !heldOut.IsBinary)
            throw new InvalidOptionsException("heldOut", "the rows hold values other than 0 and 1 but the visible units are binary.");

        DeepBoltzmannMachine model;
        PretrainingResult? pretrained = null;
        double pretrainingSeconds = 0;
        var curve = new List<CurvePoint>();
        double excluded = 0;
        if (resumeFrom is not null)
        {
            if (!resumeFrom.Model.Architecture.Equals(Architecture))
                throw new InvalidOptionsException("resume", $"the state's machine is {resumeFrom.Model.Architecture}; the plan's is {Architecture}.");
            model = resumeFrom.Model;
            curve.AddRange(resumeFrom.Curve);
            excluded = resumeFrom.ExcludedSeconds;
        }
        else
        {
            (model, pretrained, pretrainingSeconds) = Initialise(first);
        }

        // One objective per run: the held-out objective is measured with it too (state it keeps for later batches is restored).
        var objective = Method.CreateObjective();
        int heldRows = heldOut is null ? 0 : Math.Min(HeldOutRows, heldOut.Count);
        var heldBatch = heldRows > 0 ? HeldOutMetrics.Batch(heldOut!, heldRows) : null;
        // The held-out reconstruction is a binary cross-entropy: not defined for Gaussian visible units (NaN in the curve).
        bool reconstructs = Architecture.LayerCount > 1 && !Architecture.HasGaussianVisible;

        using var budgetStop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        bool budgetSpent = false;
        void OnBatch(TrainingProgress p)
        {
            var clock = Stopwatch.StartNew();
            double seconds = p.Seconds - excluded;
            if (TimeBudgetSeconds is { } budget && p.Batch == p.BatchesPerEpoch && seconds >= budget && p.Epoch < TrainingOptions.Epochs)
            {
                budgetSpent = true;
                budgetStop.Cancel();
            }
            CurvePoint? point = null;
            if (heldBatch is not null && p.Batch == p.BatchesPerEpoch)
            {
                double k = HeldOutMetrics.Objective(objective, model, heldBatch, heldRows);
                double ce = reconstructs ? HeldOutMetrics.ReconstructionCrossEntropy(model, heldBatch, heldRows, Method.InferenceSweeps) : double.NaN;
                point = new CurvePoint(p.Epoch, seconds, p.EpochMeanObjective, k, ce);
                curve.Add(point);
            }
            progress?.Invoke(p with { Seconds = seconds });
            if (point is not null) epochCompleted?.Invoke(point);
            excluded += clock.Elapsed.TotalSeconds;
        }

        TrainingRunState StateNow(TrainingCheckpoint? checkpoint) => new(model, checkpoint, curve.ToArray(), excluded);
        // The budget's fraction from the trainer's clock, without the evaluation seconds (the same seconds the budget counts).
        Func<double, double>? elapsedFraction = OnBudgetClock ? s => (s - excluded) / TimeBudgetSeconds!.Value : null;
        var trainer = new MiniBatchTrainer(objective, TrainingOptions) { Group = group, ElapsedFraction = elapsedFraction };
        IReadOnlyList<EpochSummary> history;
        try
        {
            history = trainer.Train(model, EpochRows, OnBatch, budgetStop.Token, resumeFrom?.Checkpoint);
        }
        catch (TrainingCanceledException e) when (budgetSpent && !cancellation.IsCancellationRequested)
        {
            // The time budget ended the run at an epoch's end: a finished run, not an interruption.
            history = e.Checkpoint.History;
        }
        catch (TrainingCanceledException e)
        {
            e.State = StateNow(e.Checkpoint);
            throw;
        }
        catch (TrainingDivergedException e)
        {
            e.State = StateNow(null);
            throw;
        }
        double trained = history.Count > 0 ? history[^1].Seconds - excluded : 0;
        return new TrainingResult(model, curve, history, Math.Max(0, trained), pretrained, pretrainingSeconds);
    }

    private (DeepBoltzmannMachine Model, PretrainingResult? Pretraining, double Seconds) Initialise(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        Validate();
        CheckData(train);
        var model = DeepBoltzmannMachine.CreateRandom(Architecture, Initialisation.Seed ?? TrainingOptions.Seed, Initialisation.WeightScale);
        if (Initialisation.VisibleBiasesFromData) model.SetVisibleBiasesFromMarginals(train.ColumnMeans());
        if (Pretraining is null) return (model, null, 0);
        var clock = Stopwatch.StartNew();
        var result = GreedyPretraining.Pretrain(model, train, Pretraining);
        return (model, result, clock.Elapsed.TotalSeconds);
    }

    private void CheckData(Dataset train)
    {
        if (train.Dimension != Architecture.VisibleSize)
            throw new InvalidOptionsException("data", $"rows have {train.Dimension} values but the model has {Architecture.VisibleSize} visible units.");
        if (train.Count == 0) throw new InvalidOptionsException("data", "the training set is empty.");
        if (!Architecture.HasGaussianVisible && !train.IsBinary)
            throw new InvalidOptionsException("data",
                "the rows hold values other than 0 and 1 but the visible units are binary; binarise the data or use Gaussian visible units.");
    }

    private static void Within(string path, Action validate)
    {
        try
        {
            validate();
        }
        catch (InvalidOptionsException e)
        {
            throw e.Within(path);
        }
    }
}
