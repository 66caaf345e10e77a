namespace Vpf.Core.Data;

/// <summary>Tells apart the ways a data folder can be unusable before any file in it is looked for.</summary>
public static class DataFolder
{
    /// <summary>Throws unless <paramref name="directory"/> is an existing folder whose entries can be listed.</summary>
    /// <exception cref="DataFileException">
    /// <see cref="DataFileProblem.Missing"/> (nothing there), <see cref="DataFileProblem.NotAFolder"/> (a file or
    /// device), <see cref="DataFileProblem.Unreadable"/> (no permission to list it).
    /// </exception>
    public static void Check(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        switch (FileIdentity.KindOf(directory))
        {
            case FileKind.Missing:
                throw new DataFileException(directory, DataFileProblem.Missing, $"Data folder '{directory}' does not exist (looked at '{full}').");
            case FileKind.Regular or FileKind.Special:
                throw new DataFileException(directory, DataFileProblem.NotAFolder, $"Data folder '{directory}' is a file, not a folder; --data takes the folder holding the IDX files.");
        }
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(directory).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new DataFileException(directory, DataFileProblem.Unreadable, $"Data folder '{directory}' cannot be read: {e.Message}", e);
        }
    }
}
