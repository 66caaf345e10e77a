using Vpf.Core.Data;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vpf.Core.Model;
using Vpf.Core.Training;

namespace Vpf.Core.Persistence;

/// <summary>
/// A training checkpoint on disk: everything <see cref="TrainingPlan"/>.Run needs to go on from where a cancelled run
/// stopped and finish bit for bit as an uninterrupted run would. The file is a zip archive holding the model as a
/// model file (<c>model.vpf</c>, with its <see cref="ModelFileInfo"/>), each optimiser moment tensor set as a model
/// file of its own (<c>moment-0.vpf</c>, …), and the scalar fields of the <see cref="TrainingCheckpoint"/> as JSON
/// (<c>checkpoint.json</c>), with a CRC-32C over every entry in the archive comment. It is written to a temporary
/// file and renamed, so a crash never leaves half a checkpoint. Reading checks the checksum, bounds every entry's
/// size before inflating it, and validates every field (<see cref="ModelFileException"/> naming the file and field).
/// </summary>
public static class CheckpointFile
{
    /// <summary>The usual file name suffix of a checkpoint.</summary>
    public const string Extension = ".vpfckpt";

    /// <summary>The version written in <c>checkpoint.json</c>; files with another version are refused.</summary>
    internal const int FormatVersion = 2;

    /// <summary>Largest <c>checkpoint.json</c> read (the epoch history grows by about 100 bytes an epoch).</summary>
    internal const long MaxStateBytes = 64L << 20;

    /// <summary>
    /// Without an expected architecture, the largest model entry read is this many bytes or
    /// <see cref="MaxInflationRatio"/> times its compressed size, whichever is larger: trained float parameters barely
    /// compress, so an entry that inflates further is corrupt or hostile.
    /// </summary>
    internal const long UncheckedModelBytes = 64L << 20;

    /// <summary>See <see cref="UncheckedModelBytes"/>.</summary>
    internal const int MaxInflationRatio = 64;

    /// <summary>Room for a model entry's info block (provenance JSON with the held-out curve) beyond its tensors.</summary>
    internal const long MaxInfoBytes = 16L << 20;

    private const string ModelEntry = "model.vpf";
    private const string StateEntry = "checkpoint.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The conventional checkpoint path for a model path: <c>model.vpf</c> → <c>model.vpf.vpfckpt</c>.</summary>
    public static string PathFor(string modelPath) => modelPath + Extension;

    /// <summary>Writes <paramref name="model"/>, <paramref name="checkpoint"/> and <paramref name="info"/> to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="ArgumentException">A field of the checkpoint is out of range; nothing is written.</exception>
    /// <exception cref="FileWriteException">The file cannot be written; an existing file at <paramref name="path"/> is untouched.</exception>
    public static void Save(string path, DeepBoltzmannMachine model, TrainingCheckpoint checkpoint, ModelFileInfo? info = null) =>
        AtomicFile.Write(path, Writer(model, checkpoint, info));

    /// <summary>
    /// Checks the checkpoint and builds its archive in memory (an <see cref="ArgumentException"/> before any file is
    /// touched); the returned action writes the archive to a stream, for a caller that owns the atomic write.
    /// </summary>
    internal static Action<Stream> Writer(DeepBoltzmannMachine model, TrainingCheckpoint checkpoint, ModelFileInfo? info = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var state = CheckpointState.From(checkpoint);
        if (state.Validate(model.Architecture) is { } problem)
            throw new ArgumentException($"The checkpoint cannot be stored: {problem}.", nameof(checkpoint));
        var entries = new List<(string, byte[])> { (ModelEntry, Bytes(s => ModelFile.Save(s, model, info))) };
        for (int i = 0; i < checkpoint.Optimiser.Moments.Count; i++)
        {
            var moment = checkpoint.Optimiser.Moments[i];
            entries.Add((MomentEntry(i), Bytes(s => ModelFile.Save(s, new DeepBoltzmannMachine(moment)))));
        }
        entries.Add((StateEntry, JsonSerializer.SerializeToUtf8Bytes(state, Json)));
        return stream => CheckpointArchive.Write(stream, entries);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, not a checkpoint, corrupted or inconsistent.</exception>
    public static (DeepBoltzmannMachine Model, TrainingCheckpoint Checkpoint, ModelFileInfo Info) Load(string path) => Load(path, expected: null);

    /// <summary>
    /// Reads a checkpoint written by <see cref="Save"/>. Each model entry may hold at most the larger of what a model of
    /// <paramref name="expected"/> needs and the bound of <see cref="UncheckedModelBytes"/>; larger entries are refused
    /// before they are inflated. A model of another architecture is returned, for the caller to compare.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, not a checkpoint, corrupted or inconsistent.</exception>
    public static (DeepBoltzmannMachine Model, TrainingCheckpoint Checkpoint, ModelFileInfo Info) Load(string path, Architecture? expected)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        switch (FileIdentity.KindOf(path))
        {
            case FileKind.Missing: throw new ModelFileException(path, ModelFileProblem.Missing, $"Checkpoint '{path}' does not exist.");
            case FileKind.Directory: throw Bad(path, ModelFileProblem.Unreadable, "it is a directory");
            case FileKind.Special: throw Bad(path, ModelFileProblem.Unreadable, "it is not a regular file (a device, FIFO or socket)");
        }
        try
        {
            var entries = CheckpointArchive.Read(path, (name, entry) => Limit(name, entry, expected));
            if (!entries.TryGetValue(StateEntry, out var stateBytes))
                throw Bad(path, ModelFileProblem.NotAModelFile, $"it has no '{StateEntry}' entry");
            var state = JsonSerializer.Deserialize<CheckpointState>(stateBytes, Json)
                ?? throw Bad(path, ModelFileProblem.Invalid, $"'{StateEntry}' is empty");
            if (state.Version != FormatVersion)
                throw Bad(path, ModelFileProblem.UnsupportedVersion, $"version {state.Version}; this build reads version {FormatVersion}");
            var (model, info) = ReadModel(entries, ModelEntry, path);
            if (state.Validate(model.Architecture) is { } problem)
                throw Bad(path, ModelFileProblem.Invalid, $"field {problem} (in '{StateEntry}')");
            var moments = new List<ParameterSet>(state.Moments);
            for (int i = 0; i < state.Moments; i++)
            {
                var (moment, _) = ReadModel(entries, MomentEntry(i), path);
                if (!moment.Architecture.Equals(model.Architecture))
                    throw Bad(path, ModelFileProblem.Invalid, $"optimiser moment {i} has architecture {moment.Architecture}, the model {model.Architecture}");
                if (state.OptimiserKind == Training.Optimisers.OptimiserKind.Adam && i == 1 && moment.Parameters.Tensors.Any(t => t.Any(x => x < 0)))
                    throw Bad(path, ModelFileProblem.Invalid, "optimiser moment 1 (Adam's second moment) has a negative entry");
                moments.Add(moment.Parameters);
            }
            if (entries.Count != 2 + state.Moments)
                throw Bad(path, ModelFileProblem.Invalid, $"it has {entries.Count} entries; with {state.Moments} moment tensor sets it should have {2 + state.Moments}");
            var checkpoint = state.ToCheckpoint(moments) with
            {
                Offsets = state.Offsets is null ? null : CheckOffsets(state.Offsets, model.Architecture, path),
            };
            return (model, checkpoint, info);
        }
        catch (InvalidDataException e)
        {
            throw Bad(path, ModelFileProblem.NotAModelFile, $"it is not a readable checkpoint archive ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw Bad(path, ModelFileProblem.Invalid, $"'{StateEntry}' is malformed ({e.Message})", e);
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

    private static long Limit(string name, ZipArchiveEntry entry, Architecture? expected)
    {
        if (name == StateEntry) return MaxStateBytes;
        var model = entry.Archive.GetEntry(ModelEntry) ?? entry;
        long bound = Math.Max(UncheckedModelBytes, MaxInflationRatio * Math.Max(model.CompressedLength, entry.CompressedLength));
        if (expected is not null)
            bound = Math.Max(bound, ModelFileFormat.FixedHeaderLength + 16 + 9L * expected.LayerCount + 4 * expected.ParameterCount
                + 32L * (2 * expected.LayerCount + 1) + MaxInfoBytes);
        return bound;
    }

    /// <summary>Centering offsets must give one vector per layer of the model's size, every value in [0, 1] (finite for a Gaussian visible layer).</summary>
    private static float[][] CheckOffsets(List<float[]?> offsets, Architecture architecture, string path)
    {
        if (offsets.Count != architecture.LayerCount)
            throw Bad(path, ModelFileProblem.Invalid, $"it has {offsets.Count} centering offset vectors; the model {architecture} has {architecture.LayerCount} layers");
        for (int l = 0; l < offsets.Count; l++)
        {
            var a = offsets[l];
            if (a is null || a.Length != architecture.LayerSizes[l])
                throw Bad(path, ModelFileProblem.Invalid, $"centering offsets of layer {l} have {a?.Length ?? 0} values; the layer has {architecture.LayerSizes[l]} units");
            // An offset is a mean of data values or firing rates, all in [0, 1] (a running mean may overshoot by rounding
            // only); anything else would shift the resumed model.
            // A Gaussian visible layer's offset is the mean of real data: any finite value.
            bool real = l == 0 && architecture.HasGaussianVisible;
            for (int k = 0; k < a.Length; k++)
                if (real ? !float.IsFinite(a[k]) : !(a[k] >= -OffsetRounding && a[k] <= 1 + OffsetRounding))
                    throw Bad(path, ModelFileProblem.Invalid,
                        $"field Offsets[{l}][{k}] is {CheckpointState.F(a[k])}; a centering offset is a mean of rates in [0, 1] (in '{StateEntry}')");
        }
        return offsets.Select(a => a!).ToArray();
    }

    private const float OffsetRounding = 1e-5f;

    private static string MomentEntry(int i) => $"moment-{i}.vpf";

    private static byte[] Bytes(Action<Stream> write)
    {
        using var s = new MemoryStream();
        write(s);
        return s.ToArray();
    }

    private static (DeepBoltzmannMachine, ModelFileInfo) ReadModel(Dictionary<string, byte[]> entries, string name, string path)
    {
        if (!entries.TryGetValue(name, out var bytes))
            throw Bad(path, ModelFileProblem.Truncated, $"it has no '{name}' entry");
        try
        {
            return ModelFileReader.Read($"{path}:{name}", bytes);
        }
        catch (ModelFileException e)
        {
            throw new ModelFileException(path, e.Problem, $"Checkpoint '{path}': {e.Message}", e);
        }
    }

    internal static ModelFileException Bad(string path, ModelFileProblem problem, string detail, Exception? inner = null) =>
        new(path, problem, $"Checkpoint '{path}' cannot be used: {detail}.", inner);
}
