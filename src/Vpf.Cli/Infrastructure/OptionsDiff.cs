using System.Text.Json.Nodes;
using Vpf.Core;
using Vpf.Core.Training;

namespace Vpf.Cli;

/// <summary>
/// The options in which two recorded runs differ, named by their <c>vpf train</c> flags where they have one: compares
/// the options JSON of a model file's provenance leaf by leaf, so that a refused <c>--resume</c> says what to repeat.
/// </summary>
internal static class OptionsDiff
{
    /// <summary>"--flag (checkpoint A, this run B)" for every leaf that differs between <paramref name="saved"/> and <paramref name="current"/>.</summary>
    /// <param name="saved">Options JSON recorded in the checkpoint (null: none).</param>
    /// <param name="current">Options JSON of this run (null: none).</param>
    /// <param name="prefix">The plan property the JSON describes: "TrainingOptions" or "Method".</param>
    public static IEnumerable<string> Describe(string? saved, string? current, string prefix)
    {
        var a = Leaves(saved);
        var b = Leaves(current);
        foreach (string path in a.Keys.Union(b.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            string? x = a.GetValueOrDefault(path), y = b.GetValueOrDefault(path);
            if (x != y) yield return $"{Name(prefix, path)} (checkpoint {x ?? "unset"}, this run {y ?? "unset"})";
        }
    }

    /// <summary>
    /// Training options JSON with every option the recording build did not know filled in with its default (read and
    /// written again), so that a checkpoint written before an option existed is compared by what it trained with; the
    /// text as it is when it cannot be read.
    /// </summary>
    public static string? WithDefaults(string? trainingOptionsJson)
    {
        if (trainingOptionsJson is null) return null;
        try
        {
            return OptionsJson.Serialize(OptionsJson.DeserializeTrainingOptions(trainingOptionsJson));
        }
        catch (InvalidOptionsException)
        {
            return trainingOptionsJson;
        }
    }

    /// <summary>
    /// A method's options JSON with every option the recording build did not know filled in with its default (read as
    /// <paramref name="method"/>'s options and written again), so that a checkpoint written before a method option existed
    /// resumes; the text as it is when the method is unknown or the text cannot be read.
    /// </summary>
    public static string? MethodWithDefaults(string? method, string? optionsJson)
    {
        if (optionsJson is null) return null;
        try
        {
            return TrainingMethod.TryParse(method, optionsJson)?.OptionsJson() ?? optionsJson;
        }
        catch (InvalidOptionsException)
        {
            return optionsJson;
        }
    }

    private static string Name(string prefix, string path)
    {
        foreach (string candidate in new[] { $"{prefix}.{path}", $"{prefix}.Options.{path}" })
            if (PlanFlags.Table.TryGetValue(candidate, out var flag)) return flag;
        return $"{(prefix == "Method" ? "method option" : "training option")} {path}";
    }

    private static Dictionary<string, string> Leaves(string? json)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json)) return leaves;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            leaves[""] = json;
            return leaves;
        }
        Walk(root, "", leaves);
        return leaves;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> leaves)
    {
        if (node is JsonObject o)
            foreach (var (key, child) in o)
                Walk(child, path.Length == 0 ? Pascal(key) : $"{path}.{Pascal(key)}", leaves);
        else
            leaves[path] = node?.ToJsonString() ?? "null";
    }

    private static string Pascal(string key) => key.Length == 0 ? key : char.ToUpperInvariant(key[0]) + key[1..];
}
