using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>A finished training run.</summary>
internal sealed record TrainedModel(string Name, TrainingMethod Method, DeepBoltzmannMachine Model, IReadOnlyList<CurvePoint> Curve, double Seconds, string Path)
{
    /// <summary>The models saved along the way (<see cref="TrainingRun.Execute"/>'s snapshots), by their seconds.</summary>
    public IReadOnlyList<SavedSnapshot> Snapshots { get; init; } = [];

    /// <summary>
    /// Where the run diverged when it was asked to keep going (<c>keepLastGoodOnDivergence</c>), else null: then
    /// <see cref="Model"/> is the last good model and the budgets after the divergence hold it too.
    /// </summary>
    public TrainingDivergedException? Divergence { get; init; }
}

/// <summary>A model to save during a run: at the end of the first epoch whose training seconds reach <paramref name="Seconds"/>.</summary>
/// <param name="Seconds">Training seconds (held-out evaluation excluded), as <see cref="TrainingPlan.TimeBudgetSeconds"/> counts them.</param>
/// <param name="Path">The model file to write.</param>
/// <param name="TrainCommand">The <c>vpf train</c> command recorded in that file (the plan with this budget).</param>
internal sealed record SnapshotRequest(double Seconds, string Path, string? TrainCommand);

/// <summary>A model saved during a run: after <paramref name="Epochs"/> epochs and <paramref name="Seconds"/> of training.</summary>
internal sealed record SavedSnapshot(SnapshotRequest Request, int Epochs, double Seconds);

/// <summary>
/// Runs a <see cref="TrainingPlan"/> as <c>vpf train</c> and <c>vpf demo</c> do, adding what only a command does with
/// files: progress with ETA, a checkpoint on Ctrl-C (exit 130), the last good model on divergence (exit 5),
/// <c>--resume</c>, the model file with its provenance.
/// </summary>
internal static class TrainingRun
{
    public const string CurveNote = "curve", CommandNote = "command", DataNote = "data", EvalSecondsNote = "heldout-seconds",
        ShapeNote = "image-shape", ColumnsNote = "columns";

    /// <summary>The curve's JSON: NaN (a held-out metric not defined for the model) is written as "NaN".</summary>
    public static readonly JsonSerializerOptions CurveJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The training curve stored in a model's notes (empty when there is none).</summary>
    public static List<CurvePoint> ReadCurve(ModelFileInfo info) =>
        info.Notes.TryGetValue(CurveNote, out var json) ? JsonSerializer.Deserialize<List<CurvePoint>>(json, CurveJson) ?? [] : [];

    /// <summary>
    /// How far a run is, in updates out of <paramref name="total"/>: with a time budget, the larger of the updates done and
    /// the budget's share spent, so that the ETA of a run the budget will end does not count the epoch cap.
    /// </summary>
    internal static double Progress(double updates, double total, double seconds, double? budget) =>
        budget is > 0 ? Math.Max(updates, total * Math.Min(1, seconds / budget.Value)) : updates;

    // overwrite: discard a checkpoint of another run at outPath (--overwrite); inputs: files no output may replace.
    // group: with --distributed, the processes training together; only process 0 evaluates held-out data and writes files.
    // trainCommand: the `vpf train` command that repeats the plan (TrainCommandLine), recorded in the model file.
    // snapshots: models saved at the end of the epoch that reaches each one's seconds, as a run with that time budget
    // would stop (one run then serves several budgets); any the run never reaches get its final model.
    public static TrainedModel Execute(CliContext context, TrainingPlan plan, DataSet data, string name, string outPath, bool resume,
        bool overwrite, IEnumerable<string> inputs, IDataParallelGroup? group = null, string? trainCommand = null,
        IReadOnlyList<SnapshotRequest>? snapshots = null, bool keepLastGoodOnDivergence = false)
    {
        bool writes = group is null || group.Rank == 0;
        var training = plan.TrainingOptions;
        var inputList = inputs.ToList();
        using var runLock = writes ? TrainingGuard.Prepare(outPath, resume, overwrite, inputList) : null;
        var fingerprint = Core.Data.DataFingerprint.Of(data.Train);
        string checkpointPath = CheckpointFile.PathFor(outPath);

        var baseInfo = ModelFileInfo.ForTraining(plan.Method, training) with { TrainCommand = trainCommand, Standardisation = data.Standardisation };
        var start = resume ? LoadCheckpoint(context, plan, baseInfo, checkpointPath, outPath, name) : null;
        var pending = new Queue<SnapshotRequest>((snapshots ?? []).OrderBy(r => r.Seconds));
        var saved = new List<SavedSnapshot>();
        // A snapshot needs the machine while it trains: a fresh run of it is the same run as the plan's own start.
        if (pending.Count > 0 && start is null) start = TrainingRunState.Start(plan.CreateModel(data.Train));
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var curveSoFar = new List<CurvePoint>(start?.Curve ?? []);

        int batchSize = Math.Min(training.BatchSize, data.Train.Count);
        if (batchSize < training.BatchSize)
            context.Line($"--batch-size {training.BatchSize} is more than the {data.Train.Count} training images: every batch holds all {batchSize}.");
        int batches = (data.Train.Count + batchSize - 1) / batchSize;
        TrainingGuard.CheckBudget(training.Epochs, batches, batchSize, plan.Architecture.LayerSizes);
        if (start?.Checkpoint is { } resumed)
            TrainingGuard.CheckResume(checkpointPath, resumed, fingerprint, training.Epochs, batches, batchSize, training.DivergenceThreshold);
        context.Line($"Training {name}: {plan.Method.Description}, {plan.Architecture}, " +
                     $"{training.Epochs} epochs × {batches} batches of {batchSize}, {training.Optimiser.Kind} {training.Optimiser.LearningRate.ToString(CultureInfo.InvariantCulture)}, seed {training.Seed}.");

        ModelFileInfo InfoNow(int epochs, IReadOnlyList<CurvePoint> curve, double excludedSeconds, string? command = null)
        {
            var notes = new Dictionary<string, string>
            {
                [CurveNote] = JsonSerializer.Serialize(curve, CurveJson),
                [CommandNote] = context.CommandLine,
                [DataNote] = data.Description,
                [EvalSecondsNote] = excludedSeconds.ToString("R", CultureInfo.InvariantCulture),
            };
            // What `vpf sample` needs to show the model's samples as the data looked: an image shape, or a table's columns.
            if (data.AreImages) notes[ShapeNote] = $"{data.Test.ImageRows}x{data.Test.ImageColumns}";
            if (data.Columns is { } columns) notes[ColumnsNote] = JsonSerializer.Serialize(columns);
            return baseInfo with { EpochsCompleted = epochs, Notes = notes, TrainCommand = command ?? baseInfo.TrainCommand };
        }

        void Snapshot(CurvePoint point)
        {
            curveSoFar.Add(point);
            while (writes && pending.Count > 0 && point.Seconds >= pending.Peek().Seconds)
            {
                var request = pending.Dequeue();
                // The trainer's clock started just after this one; the difference is what the curve did not count.
                double excludedNow = Math.Max(0, wall.Elapsed.TotalSeconds - point.Seconds);
                SaveModel(request.Path, inputList, start!.Model, InfoNow(point.Epoch, curveSoFar.ToArray(), excludedNow, request.TrainCommand));
                saved.Add(new SavedSnapshot(request, point.Epoch, point.Seconds));
                context.Line(string.Create(CultureInfo.InvariantCulture,
                    $"  {name}: {request.Seconds:0.###} s reached after epoch {point.Epoch} ({point.Seconds:F1} s); wrote {request.Path}."));
            }
        }

        // CD, PCD and DBM-PCD report a reconstruction error, not K: label the numbers with the method's own name (for
        // Gaussian visible units CD's monitor is the squared error, vpf-math.md §9).
        string objective = plan.Architecture.HasGaussianVisible && plan.Method.ObjectiveName == "reconstruction CE"
            ? "reconstruction squared error" : plan.Method.ObjectiveName;
        TrainingResult result;
        try
        {
            result = ProgressDisplay.Track(context, name, (double)training.Epochs * batches, handle =>
            {
                if (start?.Checkpoint is { } c) handle.Report(c.EpochsCompleted * batches + c.BatchesCompleted);
                return plan.Run(data.Train, writes ? data.Test : null, p =>
                {
                    handle.Report(Progress((p.Epoch - 1) * batches + p.Batch, (double)training.Epochs * batches, p.Seconds, plan.TimeBudgetSeconds),
                        $"epoch {p.Epoch}/{training.Epochs} {objective} {p.EpochMeanObjective:G4}");
                    context.Hooks.AfterBatch?.Invoke(p);
                }, context.Cancellation, start, point =>
                {
                    context.Line(string.Create(CultureInfo.InvariantCulture,
                        $"  {name} epoch {point.Epoch}/{training.Epochs}: {objective} {point.MeanObjective:G5}, held-out {objective} {point.HeldOutObjective:G5}, {(double.IsNaN(point.HeldOutCrossEntropy) ? "" : $"held-out reconstruction {point.HeldOutCrossEntropy:F2} nats/image, ")}{ProgressDisplay.Seconds(point.Seconds)}"));
                    if (pending.Count > 0) Snapshot(point);
                }, group);
            });
        }
        catch (TrainingCanceledException e) when (e.State is { } state)
        {
            if (writes) OutputFile.Write(checkpointPath, inputList,
                CheckpointFile.Writer(state.Model, e.Checkpoint with { Data = fingerprint }, InfoNow(e.Checkpoint.EpochsCompleted, state.Curve, state.ExcludedSeconds)));
            context.Console.MarkupLine(Markup.Escape(
                $"Interrupted at epoch {e.Checkpoint.EpochsCompleted + 1}, batch {e.Checkpoint.BatchesCompleted}; checkpoint written to {checkpointPath}. " +
                "Run the same command with --resume to go on."));
            throw;
        }
        catch (TrainingDivergedException e) when (e.State is { } state)
        {
            if (writes) SaveModel(outPath, inputList, state.Model, InfoNow(e.Epoch - 1, state.Curve, state.ExcludedSeconds));
            context.Console.MarkupLine(Markup.Escape($"The last good model (before epoch {e.Epoch}, batch {e.Batch}) was written to {outPath}."));
            if (!keepLastGoodOnDivergence) throw;
            // A protocol that compares methods records the divergence as the method's outcome: the budgets the run
            // did not reach get the last good model, which is what a run with such a budget would have ended with.
            context.Line($"{name} diverged: {e.Message}");
            double trainedSeconds = state.Curve.Count > 0 ? state.Curve[^1].Seconds : 0;
            while (pending.Count > 0)
            {
                var request = pending.Dequeue();
                if (writes) SaveModel(request.Path, inputList, state.Model, InfoNow(e.Epoch - 1, state.Curve, state.ExcludedSeconds, request.TrainCommand));
                saved.Add(new SavedSnapshot(request, e.Epoch - 1, trainedSeconds));
            }
            return new TrainedModel(name, plan.Method, state.Model, state.Curve, trainedSeconds, outPath)
            {
                Snapshots = saved.OrderBy(x => x.Request.Seconds).ToArray(),
                Divergence = e,
            };
        }
        double excluded = result.History.Count > 0 ? result.History[^1].Seconds - result.Seconds : 0;
        if (writes)
        {
            SaveModel(outPath, inputList, result.Model, InfoNow(result.History.Count, result.Curve, excluded));
            if (File.Exists(checkpointPath)) File.Delete(checkpointPath);
            // Budgets the run ended before (its epochs ran out): the final model is what a run with that budget trains.
            while (pending.Count > 0)
            {
                var request = pending.Dequeue();
                SaveModel(request.Path, inputList, result.Model, InfoNow(result.History.Count, result.Curve, excluded, request.TrainCommand));
                saved.Add(new SavedSnapshot(request, result.History.Count, result.Seconds));
            }
        }
        context.Line($"Wrote {outPath} ({name}, {ProgressDisplay.Seconds(result.Seconds)} of training).");
        return new TrainedModel(name, plan.Method, result.Model, result.Curve, result.Seconds, outPath)
        {
            Snapshots = saved.OrderBy(s => s.Request.Seconds).ToArray(),
        };
    }

    /// <summary>Writes the model file through the command's one atomic writer.</summary>
    private static void SaveModel(string path, IEnumerable<string> inputs, DeepBoltzmannMachine model, ModelFileInfo info) =>
        OutputFile.Write(path, inputs, stream => ModelFile.Save(stream, model, info));

    /// <summary>The state saved by an interrupted run of the same plan, checked against it.</summary>
    private static TrainingRunState LoadCheckpoint(CliContext context, TrainingPlan plan, ModelFileInfo baseInfo, string checkpointPath, string outPath, string name)
    {
        if (!File.Exists(checkpointPath))
            throw new UsageException("--resume", $"no checkpoint '{checkpointPath}' to resume from; it is written when a 'train --out {outPath}' run is interrupted with Ctrl-C.");
        var (saved, checkpoint, info) = CheckpointFile.Load(checkpointPath, plan.Architecture);
        var differences = new List<string>();
        if (!saved.Architecture.Equals(plan.Architecture))
            differences.Add($"--layers/--lateral (checkpoint {saved.Architecture}, this run {plan.Architecture})");
        if (info.TrainingMethod != baseInfo.TrainingMethod)
            differences.Add($"--method (checkpoint {info.TrainingMethod ?? "unset"}, this run {baseInfo.TrainingMethod})");
        else
            differences.AddRange(OptionsDiff.Describe(OptionsDiff.MethodWithDefaults(info.TrainingMethod, info.ObjectiveOptionsJson), baseInfo.ObjectiveOptionsJson, "Method"));
        differences.AddRange(OptionsDiff.Describe(OptionsDiff.WithDefaults(info.TrainingOptionsJson), baseInfo.TrainingOptionsJson, "TrainingOptions"));
        if (differences.Count > 0)
            throw new UsageException("--resume", $"the checkpoint '{checkpointPath}' was written by a run with other options: " +
                $"{string.Join("; ", differences)}. Repeat that run's options with --resume, or use --overwrite (without --resume) to discard the checkpoint.");
        var curve = ReadCurve(info);
        double excluded = info.Notes.TryGetValue(EvalSecondsNote, out var es) ? double.Parse(es, CultureInfo.InvariantCulture) : 0;
        context.Line($"Resuming {name} from {checkpointPath}: epoch {checkpoint.EpochsCompleted + 1}, batch {checkpoint.BatchesCompleted + 1}.");
        return new TrainingRunState(saved, checkpoint, curve, excluded);
    }
}
