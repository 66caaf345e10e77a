using Vpf.Core.Data;
using System.Text.RegularExpressions;

namespace Vpf.Core.Persistence;

/// <summary>
/// Removes the temporary files that <see cref="AtomicFile"/> leaves behind when its process is killed mid-write
/// (<c>.NAME.&lt;32 hex digits&gt;.tmp</c> next to NAME). A file is stale when nobody holds it open for writing
/// (the writer keeps an exclusive lock, which the operating system drops when the process dies) and it has not been
/// modified for <see cref="MinimumAge"/>; anything else, including files of other names and any file the caller
/// reads (a command whose input happens to carry such a name), is left alone.
/// </summary>
internal static partial class StaleTemporaryFiles
{
    /// <summary>How long a temporary file must have been left untouched before it counts as stale.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Removes the stale temporary files of target <paramref name="fullPath"/> in <paramref name="folder"/>, except
    /// <paramref name="inputs"/> (compared through links); returns how many.
    /// </summary>
    public static int Remove(string fullPath, string folder, IEnumerable<string> inputs)
    {
        var keep = inputs.ToList();
        if (!Directory.Exists(folder)) return 0;
        string prefix = "." + Path.GetFileName(fullPath) + ".";
        int removed = 0;
        try
        {
            foreach (string candidate in Directory.EnumerateFiles(folder, prefix + "*.tmp"))
            {
                string name = Path.GetFileName(candidate);
                if (!name.StartsWith(prefix, StringComparison.Ordinal) || !Suffix().IsMatch(name[prefix.Length..])) continue;
                if (AtomicFile.IsSymbolicLink(candidate) || FileIdentity.KindOf(candidate) != FileKind.Regular) continue;
                if (keep.Any(input => FileIdentity.SameFile(candidate, input))) continue;
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(candidate) < MinimumAge) continue;
                try
                {
                    // An exclusive open fails while the writer that created the file still holds it.
                    using (new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
                    File.Delete(candidate);
                    removed++;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return removed;
    }

    [GeneratedRegex("^[0-9a-f]{32}\\.tmp$")]
    private static partial Regex Suffix();
}
