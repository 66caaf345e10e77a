using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vpf.Core.Training;

/// <summary>
/// JSON text of option records such as <see cref="TrainingOptions"/> and <see cref="VpfOptions"/>, for the provenance
/// of a model file (<see cref="Persistence.ModelFileInfo"/>). Enums are written as names ("Adam", "Sampled"), properties in
/// camelCase. Reading ignores properties it does not know and keeps the record's defaults for those that are absent,
/// so files written before or after an option was added still read.
/// </summary>
internal static class OptionsJson
{
    private static readonly JsonSerializerOptions Settings = CreateSettings();

    /// <summary>The settings used for option records (indented: the JSON is meant to be read by people too).</summary>
    internal static JsonSerializerOptions SerializerOptions => Settings;

    /// <summary>Serialises <paramref name="options"/> (e.g. a <see cref="TrainingOptions"/> or <see cref="VpfOptions"/>).</summary>
    public static string Serialize<TOptions>(TOptions options) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        return JsonSerializer.Serialize(options, Settings);
    }

    /// <summary>Reads options written by <see cref="Serialize{TOptions}"/>; absent properties keep their defaults.</summary>
    /// <exception cref="InvalidOptionsException">The text is not JSON of a <typeparamref name="TOptions"/> (e.g. an unknown enum name).</exception>
    public static TOptions Deserialize<TOptions>(string json) where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<TOptions>(json, Settings)
                ?? throw new InvalidOptionsException(typeof(TOptions).Name, "expected a JSON object; got null.");
        }
        catch (JsonException e)
        {
            throw new InvalidOptionsException(typeof(TOptions).Name, $"the JSON cannot be read as {typeof(TOptions).Name}: {e.Message}");
        }
    }

    /// <summary>Serialises training options.</summary>
    public static string Serialize(TrainingOptions options) => Serialize<TrainingOptions>(options);

    /// <summary>Serialises VPF options.</summary>
    public static string Serialize(VpfOptions options) => Serialize<VpfOptions>(options);

    /// <summary>Reads training options written by <see cref="Serialize(TrainingOptions)"/>.</summary>
    /// <exception cref="InvalidOptionsException">The text cannot be read as training options.</exception>
    public static TrainingOptions DeserializeTrainingOptions(string json) => Deserialize<TrainingOptions>(json);

    /// <summary>Reads VPF options written by <see cref="Serialize(VpfOptions)"/>.</summary>
    /// <exception cref="InvalidOptionsException">The text cannot be read as VPF options.</exception>
    public static VpfOptions DeserializeVpfOptions(string json) => Deserialize<VpfOptions>(json);

    private static JsonSerializerOptions CreateSettings()
    {
        var settings = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            // An option set to NaN or ∞ is still recorded faithfully (it will not validate, but the record is the truth).
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            WriteIndented = true,
        };
        settings.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        settings.MakeReadOnly(populateMissingResolver: true);
        return settings;
    }
}
