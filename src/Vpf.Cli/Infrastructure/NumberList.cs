using System.Globalization;

namespace Vpf.Cli;

/// <summary>Comma-separated numbers of an option, such as <c>--budgets 60,120,240</c> or <c>--flip-fractions 0.1,0.2</c>.</summary>
internal static class NumberList
{
    /// <summary>
    /// The numbers of <paramref name="text"/> in the order given, each checked by <paramref name="valid"/>; a malformed,
    /// repeated or invalid number is exit 2 naming <paramref name="option"/> and <paramref name="expected"/>.
    /// </summary>
    public static double[] Parse(string option, string text, Func<double, bool> valid, string expected)
    {
        var values = new List<double>();
        foreach (string part in text.Split(','))
        {
            if (!double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || !valid(value))
                throw new UsageException(option, $"expected a comma-separated list of {expected}; got '{part.Trim()}' in '{text}'.");
            if (values.Contains(value))
                throw new UsageException(option, $"lists {part.Trim()} twice in '{text}'.");
            values.Add(value);
        }
        return values.ToArray();
    }
}
