using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Vpf.Cli.Commands;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>A finished training run.</summary>
internal sealed record TrainedModel(string Name, string Method, DeepBoltzmannMachine Model, IReadOnlyList<CurvePoint> Curve, double Seconds, string Path);

/// <summary>
/// Trains one model as <c>vpf train</c> and <c>vpf demo</c> do: progress with ETA, held-out metrics after every epoch,
/// a checkpoint on Ctrl-C (exit 130), the last good model on divergence (exit 5), <c>--resume</c>.
/// </summary>
internal static class TrainingRun
{
    public const string CurveNote = "curve", CommandNote = "command", DataNote = "data", EvalSecondsNote = "heldout-seconds";

    public static TrainedModel Execute(CliContext context, TrainSettings s, DataSet data, string name)
    {
        string method = s.NormalisedMethod();
        var architecture = s.BuildArchitecture(data.Train.Dimension);
        var training = s.BuildTrainingOptions();
        var vpf = s.BuildVpfOptions();
        var objective = Objectives.Create(method, vpf, s.CdSteps, architecture);
        var evaluator = Objectives.Create(method, vpf, s.CdSteps, architecture);
        string outPath = s.Out;
        using var runLock = TrainingGuard.Prepare(outPath, s.Resume, s.Overwrite, DataInputs.For(s));
        var fingerprint = Core.Data.DataFingerprint.Of(data.Train);
        string checkpointPath = CheckpointFile.PathFor(outPath);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (folder is not null) Directory.CreateDirectory(folder);

        var baseInfo = ModelFileInfo.ForTraining(method, training, method == "vpf" ? vpf : null);
        DeepBoltzmannMachine model;
        TrainingCheckpoint? resume = null;
        var curve = new List<CurvePoint>();
        double evalSeconds = 0;
        if (s.Resume)
        {
            if (!File.Exists(checkpointPath))
                throw new UsageException("--resume", $"no checkpoint '{checkpointPath}' to resume from; it is written when a 'train --out {outPath}' run is interrupted with Ctrl-C.");
            var (saved, checkpoint, info) = CheckpointFile.Load(checkpointPath, architecture);
            if (!saved.Architecture.Equals(architecture) || info.TrainingMethod != method
                || info.TrainingOptionsJson != baseInfo.TrainingOptionsJson || info.ObjectiveOptionsJson != baseInfo.ObjectiveOptionsJson)
                throw new UsageException("--resume", $"the checkpoint '{checkpointPath}' was written by a run with other options " +
                    $"({info.TrainingMethod}, {saved.Architecture}, {info.TrainingOptionsJson}); repeat that run's options with --resume.");
            model = saved;
            resume = checkpoint;
            if (info.Notes.TryGetValue(CurveNote, out var json)) curve.AddRange(JsonSerializer.Deserialize<List<CurvePoint>>(json) ?? []);
            if (info.Notes.TryGetValue(EvalSecondsNote, out var es)) evalSeconds = double.Parse(es, CultureInfo.InvariantCulture);
            context.Line($"Resuming {name} from {checkpointPath}: epoch {checkpoint.EpochsCompleted + 1}, batch {checkpoint.BatchesCompleted + 1}.");
        }
        else
        {
            model = DeepBoltzmannMachine.CreateRandom(architecture, s.Seed);
            model.SetVisibleBiasesFromMarginals(data.Train.ColumnMeans());
        }

        int heldRows = Math.Min(HeldOut.Rows, data.Test.Count);
        var heldBatch = HeldOut.Batch(data.Test, heldRows);
        int batchSize = Math.Min(training.BatchSize, data.Train.Count);
        int batches = (data.Train.Count + batchSize - 1) / batchSize;
        TrainingGuard.CheckBudget(training.Epochs, batches, batchSize, architecture.LayerSizes);
        if (resume is not null) TrainingGuard.CheckResume(checkpointPath, resume, fingerprint, training.Epochs, batches, batchSize);
        context.Line($"Training {name}: {method}{(method == "vpf" ? $" ({vpf.Estimator}, {vpf.MeanFieldSweeps} sweeps)" : "")}, {architecture}, " +
                     $"{training.Epochs} epochs × {batches} batches of {batchSize}, {training.Optimiser.Kind} {training.Optimiser.LearningRate.ToString(CultureInfo.InvariantCulture)}, seed {training.Seed}.");

        ModelFileInfo InfoNow(int epochs) => baseInfo with
        {
            EpochsCompleted = epochs,
            Notes = new Dictionary<string, string>
            {
                [CurveNote] = JsonSerializer.Serialize(curve),
                [CommandNote] = context.CommandLine,
                [DataNote] = data.Description,
                [EvalSecondsNote] = evalSeconds.ToString("R", CultureInfo.InvariantCulture),
            },
        };

        double total = (double)training.Epochs * batches;
        try
        {
            ProgressDisplay.Track(context, $"{name}", total, handle =>
            {
                if (resume is not null) handle.Report(resume.EpochsCompleted * batches + resume.BatchesCompleted);
                new FlowTrainer(objective, training).Train(model, data.Train, p =>
                {
                    handle.Report((p.Epoch - 1) * batches + p.Batch, $"epoch {p.Epoch}/{training.Epochs} K {p.EpochMeanK:G4}");
                    if (p.Batch == p.BatchesPerEpoch)
                    {
                        var clock = Stopwatch.StartNew();
                        double k = HeldOut.K(evaluator, model, heldBatch, heldRows);
                        double ce = HeldOut.CrossEntropy(HeldOut.Reconstruct(model, heldBatch, heldRows, vpf.MeanFieldSweeps), heldBatch, heldRows);
                        evalSeconds += clock.Elapsed.TotalSeconds;
                        var point = new CurvePoint(p.Epoch, p.Seconds - evalSeconds + clock.Elapsed.TotalSeconds, p.EpochMeanK, k, ce);
                        curve.Add(point);
                        context.Line(string.Create(CultureInfo.InvariantCulture,
                            $"  {name} epoch {p.Epoch}/{training.Epochs}: K {p.EpochMeanK:G5}, held-out K {k:G5}, held-out reconstruction {ce:F2} nats/image, {ProgressDisplay.Seconds(point.Seconds)}"));
                    }
                    context.Hooks.AfterBatch?.Invoke(p);
                }, context.Cancellation, resume);
                return 0;
            });
        }
        catch (TrainingCanceledException e)
        {
            CheckpointFile.Save(checkpointPath, model, e.Checkpoint with { Data = fingerprint }, InfoNow(e.Checkpoint.EpochsCompleted));
            context.Console.MarkupLine(Markup.Escape(
                $"Interrupted at epoch {e.Checkpoint.EpochsCompleted + 1}, batch {e.Checkpoint.BatchesCompleted}; checkpoint written to {checkpointPath}. " +
                "Run the same command with --resume to go on."));
            throw;
        }
        catch (TrainingDivergedException e)
        {
            ModelFile.Save(outPath, model, InfoNow(e.Epoch - 1));
            context.Console.MarkupLine(Markup.Escape($"The last good model (before epoch {e.Epoch}, batch {e.Batch}) was written to {outPath}."));
            throw;
        }
        ModelFile.Save(outPath, model, InfoNow(training.Epochs));
        if (File.Exists(checkpointPath)) File.Delete(checkpointPath);
        double seconds = curve.Count > 0 ? curve[^1].Seconds : 0;
        context.Line($"Wrote {outPath} ({name}, {ProgressDisplay.Seconds(seconds)} of training).");
        return new TrainedModel(name, method, model, curve, seconds, outPath);
    }
}
