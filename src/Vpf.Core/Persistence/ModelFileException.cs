namespace Vpf.Core.Persistence;

/// <summary>
/// A model file that cannot be loaded: missing, unreadable, of another kind or version, truncated, corrupted or
/// describing an invalid model. The message names the file, the problem, what was expected and what was found.
/// </summary>
public sealed class ModelFileException : VpfException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>; <paramref name="message"/> is the complete message.</summary>
    public ModelFileException(string filePath, ModelFileProblem problem, string message, Exception? inner = null)
        : base(message, inner)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>Path of the offending file as given by the caller (for a stream: the name given with it).</summary>
    public string FilePath { get; }

    /// <summary>The kind of problem, for callers that react differently to, say, a missing and a corrupted file.</summary>
    public ModelFileProblem Problem { get; }

    /// <summary>The usual shape of message: "Model file 'name' is truncated: detail".</summary>
    internal static ModelFileException For(string filePath, ModelFileProblem problem, string detail, Exception? inner = null)
    {
        string what = problem switch
        {
            ModelFileProblem.Missing => "does not exist",
            ModelFileProblem.Unreadable => "cannot be read",
            ModelFileProblem.NotAModelFile => "is not a model file",
            ModelFileProblem.UnsupportedVersion => "has an unsupported format version",
            ModelFileProblem.Truncated => "is truncated",
            ModelFileProblem.Corrupted => "is corrupted",
            _ => "is invalid",
        };
        return new ModelFileException(filePath, problem, $"Model file '{Path.GetFileName(filePath)}' {what}: {detail}", inner);
    }
}
