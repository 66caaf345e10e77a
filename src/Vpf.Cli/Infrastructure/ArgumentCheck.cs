using System.Globalization;
using System.Reflection;
using Spectre.Console.Cli;
using Vpf.Cli.Commands;

namespace Vpf.Cli;

/// <summary>
/// Checks the values of numeric options before the command-line parser converts them, because its conversion errors
/// name neither the option nor the expected form ("Failed to convert 'fast' to Nullable`1"). Each failure is a
/// <see cref="UsageException"/> naming the option, the expected form and the value.
/// </summary>
internal static class ArgumentCheck
{
    private static readonly Dictionary<string, Type> SettingsOf = new(StringComparer.Ordinal)
    {
        ["train"] = typeof(TrainSettings), ["evaluate"] = typeof(EvaluateSettings), ["sample"] = typeof(SampleSettings),
        ["reconstruct"] = typeof(ReconstructSettings), ["export"] = typeof(ExportSettings), ["report"] = typeof(ReportSettings),
        ["info"] = typeof(InfoSettings), ["demo"] = typeof(DemoSettings),
    };

    /// <summary>Throws for the first numeric option of <paramref name="args"/> whose value does not parse.</summary>
    public static void Run(string[] args)
    {
        if (args.Length == 0 || !SettingsOf.TryGetValue(args[0], out var settings)) return;
        var numeric = NumericOptions(settings);
        for (int i = 1; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) continue;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? arg : arg[..eq];
            if (!numeric.TryGetValue(name, out var type)) continue;
            string? value = eq >= 0 ? arg[(eq + 1)..] : i + 1 < args.Length ? args[++i] : null;
            if (value is not null) Check(name, type, value);
        }
    }

    private static void Check(string option, Type type, string value)
    {
        if (type == typeof(int))
        {
            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) return;
            bool tooBig = value.Trim().TrimStart('-', '+').All(char.IsAsciiDigit) && value.Trim().TrimStart('-', '+').Length > 0;
            throw new UsageException(option, tooBig
                ? $"'{value}' is out of range; expected a whole number from {int.MinValue:N0} to {int.MaxValue:N0}."
                : $"expected a whole number (e.g. 5); got '{value}'.");
        }
        if (type == typeof(float) || type == typeof(double))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                && (type == typeof(double) || Math.Abs(x) <= float.MaxValue || !double.IsFinite(x))) return;
            throw new UsageException(option, $"expected a number such as 0.001 or 1e-3 (a point, not a comma, for decimals); got '{value}'.");
        }
    }

    private static Dictionary<string, Type> NumericOptions(Type settings)
    {
        var result = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var property in settings.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is not { } option) continue;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type != typeof(int) && type != typeof(float) && type != typeof(double)) continue;
            foreach (string name in option.LongNames) result["--" + name] = type;
        }
        return result;
    }
}
