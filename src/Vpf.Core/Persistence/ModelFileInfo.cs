using System.Text.Json.Serialization;
using Vpf.Core.Data;
using Vpf.Core.Training;

namespace Vpf.Core.Persistence;

/// <summary>
/// Provenance stored with a model: how it was trained and when. The options are kept as JSON text
/// (<see cref="OptionsJson"/>), not as typed records, so adding an option later never breaks an old file.
/// Two infos are equal when every property is, the notes compared by content.
/// </summary>
public sealed record ModelFileInfo
{
    /// <summary>
    /// Name of the training method: one of <see cref="Training.TrainingMethod.Names"/> ("vpf", "mpf", "mpf-rbm", "cd",
    /// "pcd", "dbm-pcd", "sm-rbm") for files this library trained, free text from other writers; null when unknown.
    /// </summary>
    public string? TrainingMethod { get; init; }

    /// <summary>The <see cref="TrainingOptions"/> as JSON (see <see cref="OptionsJson"/>); null when unknown.</summary>
    public string? TrainingOptionsJson { get; init; }

    /// <summary>The options of the objective (<see cref="Training.TrainingMethod.OptionsJson"/>: for VPF a <see cref="VpfOptions"/>) as JSON; null when there are none.</summary>
    public string? ObjectiveOptionsJson { get; init; }

    /// <summary>
    /// The <c>vpf train</c> command line that trains this model again, generated from the training plan (method, its
    /// settings, architecture, training options, seed, time budget and data selection; not the thread count): on the
    /// same machine with the same threads it gives the same parameters bit for bit. Null when the model was not trained
    /// by the command-line tool, or by a plan its flags cannot express.
    /// </summary>
    public string? TrainCommand { get; init; }

    /// <summary>
    /// The standardisation of the training rows when the model has Gaussian visible units trained on standardised data
    /// (the column means and scales, <see cref="Data.Standardisation"/>), else null. Every reader of the model maps raw
    /// rows with it (<see cref="Data.Standardisation.Apply(Span{float})"/>) and its own values back
    /// (<see cref="Data.Standardisation.Invert"/>). Stored in the file's binary part (format 1.2), not in the JSON.
    /// </summary>
    [JsonIgnore]
    public Standardisation? Standardisation { get; init; }

    /// <summary>
    /// The format version ("1.1.0") of the file this info was read from; null for an info made in memory. Set by the
    /// reader, ignored by the writer (which picks the oldest version that holds the model) and by equality.
    /// </summary>
    [JsonIgnore]
    public string? FormatVersion { get; init; }

    /// <summary>Epochs of training completed when the model was saved.</summary>
    public int EpochsCompleted { get; init; }

    /// <summary>The seed of training (or of the initialisation); null when unknown.</summary>
    public int? Seed { get; init; }

    /// <summary>Free-form notes: data set, commit, command line, results.</summary>
    public IReadOnlyDictionary<string, string> Notes { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// When the model was saved or created, in UTC (a local time is converted, an unspecified one taken as UTC).
    /// Defaults to the moment the info is created.
    /// </summary>
    public DateTime CreatedUtc
    {
        get => _createdUtc;
        init => _createdUtc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
    }

    private readonly DateTime _createdUtc = DateTime.UtcNow;

    /// <summary>
    /// Provenance of a finished (or interrupted) training run: the method name, the options as JSON, the seed from
    /// <paramref name="training"/> and the epochs completed (default: all of <see cref="TrainingOptions.Epochs"/>).
    /// </summary>
    /// <remarks>Internal: any name and VPF options together, as files of other tools hold; users pass a <see cref="Training.TrainingMethod"/>.</remarks>
    internal static ModelFileInfo ForTraining(string method, TrainingOptions training, VpfOptions? vpf = null, int? epochsCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(training);
        return new ModelFileInfo
        {
            TrainingMethod = method,
            TrainingOptionsJson = OptionsJson.Serialize(training),
            ObjectiveOptionsJson = vpf is null ? null : OptionsJson.Serialize(vpf),
            EpochsCompleted = epochsCompleted ?? training.Epochs,
            Seed = training.Seed,
        };
    }

    /// <summary>
    /// Provenance of a run of <paramref name="method"/>: its persisted name and options, the training options as JSON,
    /// the seed and the epochs completed (default: all of <see cref="TrainingOptions.Epochs"/>).
    /// </summary>
    public static ModelFileInfo ForTraining(TrainingMethod method, TrainingOptions training, int? epochsCompleted = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        return ForTraining(method.Name, training, null, epochsCompleted) with { ObjectiveOptionsJson = method.OptionsJson() };
    }

    /// <summary>The training method recorded in <see cref="TrainingMethod"/> and <see cref="ObjectiveOptionsJson"/>; null when unknown or not one of this library's.</summary>
    /// <exception cref="InvalidOptionsException">The stored options cannot be read as the method's.</exception>
    public TrainingMethod? ReadTrainingMethod() => Training.TrainingMethod.TryParse(TrainingMethod, ObjectiveOptionsJson);

    /// <summary>The training options read back from <see cref="TrainingOptionsJson"/>, or null when none were stored.</summary>
    /// <exception cref="InvalidOptionsException">The stored JSON cannot be read as training options.</exception>
    public TrainingOptions? ReadTrainingOptions() =>
        TrainingOptionsJson is null ? null : OptionsJson.DeserializeTrainingOptions(TrainingOptionsJson);

    /// <summary>The VPF options read back from <see cref="ObjectiveOptionsJson"/>, or null when none were stored.</summary>
    /// <remarks>Internal: it reads the JSON as VPF's whatever the method; users call <see cref="ReadTrainingMethod"/>.</remarks>
    /// <exception cref="InvalidOptionsException">The stored JSON cannot be read as VPF options.</exception>
    internal VpfOptions? ReadVpfOptions() =>
        ObjectiveOptionsJson is null ? null : OptionsJson.DeserializeVpfOptions(ObjectiveOptionsJson);

    /// <inheritdoc />
    public bool Equals(ModelFileInfo? other) =>
        other is not null
        && TrainingMethod == other.TrainingMethod
        && TrainingOptionsJson == other.TrainingOptionsJson
        && ObjectiveOptionsJson == other.ObjectiveOptionsJson
        && TrainCommand == other.TrainCommand
        && EpochsCompleted == other.EpochsCompleted
        && Seed == other.Seed
        && CreatedUtc == other.CreatedUtc
        && SameStandardisation(Standardisation, other.Standardisation)
        && Notes.Count == other.Notes.Count
        && Notes.All(kv => other.Notes.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static bool SameStandardisation(Standardisation? a, Standardisation? b) =>
        a is null ? b is null : b is not null && a.Means.SequenceEqual(b.Means) && a.Scales.SequenceEqual(b.Scales);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(TrainingMethod, TrainingOptionsJson, ObjectiveOptionsJson, TrainCommand, EpochsCompleted, Seed, CreatedUtc, Notes.Count);
}
