using System.Globalization;
using System.Text;

namespace Vpf.Cli.Reporting;

/// <summary>
/// Rows of values as a CSV table (a header row, commas, invariant culture, each float written so that it reads back
/// exactly): what <c>sample</c> and <c>reconstruct</c> write for a model of a table, where a picture means nothing.
/// The table reads back with the rules of <c>--data-csv</c>.
/// </summary>
internal static class CsvOutput
{
    /// <summary>Whether <paramref name="path"/> asks for a CSV table (its extension is .csv).</summary>
    public static bool Wanted(string path) => Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value columns' names: those of the training table, or v1 … vD.</summary>
    public static IReadOnlyList<string> Columns(IReadOnlyList<string>? names, int dimension) =>
        names is not null && names.Count == dimension ? names : Enumerable.Range(1, dimension).Select(i => $"v{i}").ToArray();

    /// <summary>
    /// Writes a table of <paramref name="keys"/> columns (text) then <paramref name="columns"/> (values): row r holds
    /// <paramref name="keyValues"/>[r] and values[r·D … (r+1)·D).
    /// </summary>
    public static void Write(string path, IEnumerable<string> inputs, IReadOnlyList<string> keys, IReadOnlyList<string[]> keyValues,
        IReadOnlyList<string> columns, IReadOnlyList<float[]> values)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', keys.Concat(columns).Select(Quote)).Append('\n');
        for (int r = 0; r < values.Count; r++)
        {
            text.AppendJoin(',', keyValues[r].Select(Quote).Concat(values[r].Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            text.Append('\n');
        }
        OutputFile.WriteText(path, inputs, text.ToString());
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', ';', '\t', '"', '\n', '\r']) < 0 && field.Trim() == field ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
