namespace Vpf.Core.Data;

/// <summary>How <see cref="CsvTable.Load"/> reads a table.</summary>
public sealed record CsvOptions
{
    /// <summary>
    /// Name of the column holding the labels (compared exactly, after unquoting and trimming), or null when the table has
    /// no labels: then every column is a value column.
    /// </summary>
    public string? LabelColumn { get; init; }

    /// <summary>
    /// Field separator: ',', ';' or a tab; null (default) detects it from the header line as the one of the three that
    /// occurs most often outside quotes (a comma when none does: a table of one column).
    /// </summary>
    public char? Separator { get; init; }
}
