using Vpf.Core.Data;

namespace Vpf.Cli;

/// <summary>The files a command reads its data from, so that no output may replace one of them.</summary>
internal static class DataInputs
{
    /// <summary>The table of <c>--data-csv</c>, or the IDX files (raw or .gz) present in the folder chosen by <c>--data</c>, <c>--full</c> or the default.</summary>
    public static IEnumerable<string> For(CommonSettings s)
    {
        if (s.DataCsv is not null)
        {
            yield return s.DataCsv;
            yield break;
        }
        string? folder = s.Full ? DataSource.DebianFolder : s.Data ?? DataSource.FindShipped();
        if (folder is null || !Directory.Exists(folder)) yield break;
        foreach (string name in MnistFolder.FileNames)
            foreach (string candidate in new[] { Path.Combine(folder, name), Path.Combine(folder, name + ".gz") })
                if (File.Exists(candidate))
                    yield return candidate;
    }
}
