using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vpf.Core.Model;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Persistence;

/// <summary>
/// A training checkpoint on disk: everything <see cref="FlowTrainer.Train"/> needs to go on from where a cancelled run
/// stopped and finish bit for bit as an uninterrupted run would. The file is a zip archive holding the model as a
/// model file (<c>model.vpf</c>, with its <see cref="ModelFileInfo"/>), each optimiser moment tensor set as a model
/// file of its own (<c>moment-0.vpf</c>, …), and the scalar fields of the <see cref="TrainingCheckpoint"/> as JSON
/// (<c>checkpoint.json</c>). It is written to a temporary file and renamed, so a crash never leaves half a checkpoint.
/// </summary>
public static class CheckpointFile
{
    /// <summary>The usual file name suffix of a checkpoint.</summary>
    public const string Extension = ".vpfckpt";

    /// <summary>The version written in <c>checkpoint.json</c>; files with another version are refused.</summary>
    public const int FormatVersion = 1;

    private const string ModelEntry = "model.vpf";
    private const string StateEntry = "checkpoint.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The conventional checkpoint path for a model path: <c>model.vpf</c> → <c>model.vpf.vpfckpt</c>.</summary>
    public static string PathFor(string modelPath) => modelPath + Extension;

    /// <summary>Writes <paramref name="model"/>, <paramref name="checkpoint"/> and <paramref name="info"/> to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, DeepBoltzmannMachine model, TrainingCheckpoint checkpoint, ModelFileInfo? info = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var state = new StateDto
        {
            Version = FormatVersion,
            EpochsCompleted = checkpoint.EpochsCompleted,
            BatchesCompleted = checkpoint.BatchesCompleted,
            EpochSumK = checkpoint.EpochSumK,
            EpochRows = checkpoint.EpochRows,
            EpochClamps = checkpoint.EpochClamps,
            Seconds = checkpoint.Seconds,
            History = checkpoint.History.Select(h => new EpochDto { Epoch = h.Epoch, MeanK = h.MeanK, Seconds = h.Seconds, ClampCount = h.ClampCount }).ToList(),
            OptimiserKind = checkpoint.Optimiser.Kind,
            OptimiserStep = checkpoint.Optimiser.Step,
            Moments = checkpoint.Optimiser.Moments.Count,
            Offsets = checkpoint.Offsets?.Select(a => (float[]?)a.ToArray()).ToList(),
        };
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            WriteEntry(zip, ModelEntry, s => ModelFile.Save(s, model, info));
            for (int i = 0; i < checkpoint.Optimiser.Moments.Count; i++)
            {
                var moment = checkpoint.Optimiser.Moments[i];
                WriteEntry(zip, MomentEntry(i), s => ModelFile.Save(s, new DeepBoltzmannMachine(moment)));
            }
            WriteEntry(zip, StateEntry, s => JsonSerializer.Serialize(s, state, Json));
        });
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, not a checkpoint, or inconsistent.</exception>
    public static (DeepBoltzmannMachine Model, TrainingCheckpoint Checkpoint, ModelFileInfo Info) Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new ModelFileException(path, ModelFileProblem.Missing, $"Checkpoint '{path}' does not exist.");
        try
        {
            using var file = File.OpenRead(path);
            using var zip = new ZipArchive(file, ZipArchiveMode.Read);
            var stateEntry = zip.GetEntry(StateEntry) ?? throw Bad(path, ModelFileProblem.NotAModelFile, $"it has no '{StateEntry}' entry");
            StateDto state;
            using (var s = stateEntry.Open())
                state = JsonSerializer.Deserialize<StateDto>(s, Json) ?? throw Bad(path, ModelFileProblem.Invalid, $"'{StateEntry}' is empty");
            if (state.Version != FormatVersion)
                throw Bad(path, ModelFileProblem.UnsupportedVersion, $"version {state.Version}; this build reads version {FormatVersion}");
            var (model, info) = ReadModel(zip, ModelEntry, path);
            var moments = new List<ParameterSet>(state.Moments);
            for (int i = 0; i < state.Moments; i++)
            {
                var (moment, _) = ReadModel(zip, MomentEntry(i), path);
                if (!moment.Architecture.Equals(model.Architecture))
                    throw Bad(path, ModelFileProblem.Invalid, $"optimiser moment {i} has architecture {moment.Architecture}, the model {model.Architecture}");
                moments.Add(moment.Parameters);
            }
            var checkpoint = new TrainingCheckpoint(state.EpochsCompleted, state.BatchesCompleted, state.EpochSumK, state.EpochRows,
                state.EpochClamps, state.Seconds,
                (state.History ?? []).Select(h => new EpochSummary(h.Epoch, h.MeanK, h.Seconds, h.ClampCount)).ToArray(),
                new OptimiserState(state.OptimiserKind, state.OptimiserStep, moments))
            {
                Offsets = state.Offsets is null ? null : CheckOffsets(state.Offsets, model.Architecture, path),
            };
            return (model, checkpoint, info);
        }
        catch (InvalidDataException e)
        {
            throw Bad(path, ModelFileProblem.NotAModelFile, "it is not a checkpoint archive", e);
        }
        catch (JsonException e)
        {
            throw Bad(path, ModelFileProblem.Corrupted, $"'{StateEntry}' is malformed ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw Bad(path, ModelFileProblem.Unreadable, e.Message, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Bad(path, ModelFileProblem.Unreadable, e.Message, e);
        }
    }

    /// <summary>Centering offsets must give one finite vector per layer of the model's size.</summary>
    private static float[][] CheckOffsets(List<float[]?> offsets, Architecture architecture, string path)
    {
        if (offsets.Count != architecture.LayerCount)
            throw Bad(path, ModelFileProblem.Invalid, $"it has {offsets.Count} centering offset vectors; the model {architecture} has {architecture.LayerCount} layers");
        for (int l = 0; l < offsets.Count; l++)
        {
            var a = offsets[l];
            if (a is null || a.Length != architecture.LayerSizes[l])
                throw Bad(path, ModelFileProblem.Invalid, $"centering offsets of layer {l} have {a?.Length ?? 0} values; the layer has {architecture.LayerSizes[l]} units");
            if (a.Any(x => !float.IsFinite(x)))
                throw Bad(path, ModelFileProblem.Invalid, $"centering offsets of layer {l} are not all finite");
        }
        return offsets.Select(a => a!).ToArray();
    }

    private static string MomentEntry(int i) => $"moment-{i}.vpf";

    private static (DeepBoltzmannMachine, ModelFileInfo) ReadModel(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw Bad(path, ModelFileProblem.Truncated, $"it has no '{name}' entry");
        using var s = entry.Open();
        try
        {
            return ModelFile.LoadWithInfo(s, $"{path}:{name}");
        }
        catch (ModelFileException e)
        {
            throw new ModelFileException(path, e.Problem, $"Checkpoint '{path}': {e.Message}", e);
        }
    }

    private static void WriteEntry(ZipArchive zip, string name, Action<Stream> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        using var s = entry.Open();
        write(s);
    }

    private static ModelFileException Bad(string path, ModelFileProblem problem, string detail, Exception? inner = null) =>
        new(path, problem, $"Checkpoint '{path}' cannot be used: {detail}.", inner);

    private sealed class StateDto
    {
        public int Version { get; set; }
        public int EpochsCompleted { get; set; }
        public int BatchesCompleted { get; set; }
        public double EpochSumK { get; set; }
        public long EpochRows { get; set; }
        public long EpochClamps { get; set; }
        public double Seconds { get; set; }
        public List<EpochDto>? History { get; set; }
        public OptimiserKind OptimiserKind { get; set; }
        public long OptimiserStep { get; set; }
        public int Moments { get; set; }
        public List<float[]?>? Offsets { get; set; }
    }

    private sealed class EpochDto
    {
        public int Epoch { get; set; }
        public double MeanK { get; set; }
        public double Seconds { get; set; }
        public long ClampCount { get; set; }
    }
}
