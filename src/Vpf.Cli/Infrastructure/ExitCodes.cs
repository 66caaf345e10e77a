namespace Vpf.Cli;

/// <summary>The exit codes of the <c>vpf</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug): the message and stack trace are printed.</summary>
    public const int Failure = 1;

    /// <summary>Bad command-line arguments: an unknown option, a malformed or out-of-range value; the message names the option.</summary>
    public const int Usage = 2;

    /// <summary>A data file is missing, unreadable or malformed; the message names the file.</summary>
    public const int DataFile = 3;

    /// <summary>A model or checkpoint file is missing, unreadable or malformed; the message names the file.</summary>
    public const int ModelFile = 4;

    /// <summary>Training diverged; the last good model was written to <c>--out</c>.</summary>
    public const int Diverged = 5;

    /// <summary>
    /// An output could not be written when the work was done (disk full, file size limit, an I/O error); the message
    /// names the file, and the file that was there before is unchanged.
    /// </summary>
    public const int OutputFile = 6;

    /// <summary>Training was interrupted (Ctrl-C); a checkpoint was written next to <c>--out</c> (128 + SIGINT, as shells do).</summary>
    public const int Interrupted = 130;
}

/// <summary>A mistake in the command line, reported with exit code 2 and the option's name.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the error for <paramref name="option"/> (e.g. <c>--layers</c>).</summary>
    public UsageException(string option, string message) : base($"{option}: {message}") => Option = option;

    /// <summary>The option at fault.</summary>
    public string Option { get; }
}
