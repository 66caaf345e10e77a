namespace Vpf.Core.Data;

/// <summary>
/// A data file that cannot be used: missing, empty, malformed or inconsistent with its companion file.
/// The message names the file, what was expected and what was found.
/// </summary>
public sealed class DataFileException : VpfException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>; <paramref name="message"/> is the complete message.</summary>
    public DataFileException(string filePath, DataFileProblem problem, string message, Exception? inner = null)
        : base(message, inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>Path of the offending file, as given by the caller (for a count mismatch: the labels file).</summary>
    public string FilePath { get; }

    /// <summary>The kind of problem, for callers that react differently to, say, a missing and a corrupt file.</summary>
    public DataFileProblem Problem { get; }

    /// <summary>The usual shape of message: "File 'name': detail".</summary>
    internal static DataFileException For(string filePath, DataFileProblem problem, string detail, Exception? inner = null)
        => new(filePath, problem, $"File '{Path.GetFileName(filePath)}': {detail}", inner);
}
