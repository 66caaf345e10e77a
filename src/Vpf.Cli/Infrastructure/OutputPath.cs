using Vpf.Core.Data;
using Vpf.Core.Persistence;

namespace Vpf.Cli;

/// <summary>
/// Checks an output path before any work starts, so a finished computation is never thrown away because its result
/// cannot be written, and nothing the command reads is ever overwritten: the path must name a regular file or nothing
/// (not a directory, device, FIFO, socket or symbolic link), it must not be one of the command's inputs (same full
/// path, or the same file through a symbolic or hard link), an existing file must open for writing (so an immutable,
/// append-only or read-only file is found now, not at the rename after the work), a model or checkpoint may be
/// replaced only by its own kind or with <c>--overwrite</c>, and its folder must be a folder we can create files in.
/// Every failure is a <see cref="UsageException"/> naming the option (exit code 2).
/// </summary>
internal static class OutputPath
{
    /// <summary>
    /// Checks <paramref name="path"/>, given by <paramref name="option"/>, against <paramref name="inputs"/>; returns
    /// its full path. <paramref name="kind"/> is what the command writes there; <paramref name="overwrite"/> allows
    /// replacing a model or checkpoint with another kind of output.
    /// </summary>
    public static string Check(string option, string? path, IEnumerable<string> inputs, OutputKind kind = OutputKind.Other, bool overwrite = false)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException(option, "expected a file name; got an empty value.");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException(option, $"'{path}' is not a valid file name ({e.Message}).");
        }
        if (Path.EndsInDirectorySeparator(path) || string.IsNullOrEmpty(Path.GetFileName(full)))
            throw new UsageException(option, $"'{path}' names a folder; expected a file name.");
        switch (FileIdentity.KindOf(full))
        {
            case FileKind.Directory:
                throw new UsageException(option, $"'{path}' is a directory; expected a file name (e.g. {Path.Combine(path, "out" + Suggested(option))}).");
            case FileKind.Special:
                throw new UsageException(option, $"'{path}' is not a regular file (a device, FIFO or socket); it is never replaced. Choose a file name.");
        }
        foreach (string input in inputs)
            if (FileIdentity.SameFile(full, input))
                throw new UsageException(option, $"'{path}' is also an input of this command ('{input}'); writing it would destroy that input. Choose another file name.");
        if (AtomicFile.IsSymbolicLink(full))
            throw new UsageException(option, $"'{path}' is a symbolic link (to '{new FileInfo(full).LinkTarget}'); vpf replaces only regular files and never a link. " +
                "Give the file it points to, or another file name.");
        if (AtomicFile.ReplaceProblem(full) is { } problem)
            throw new UsageException(option, $"cannot replace '{path}': {problem}. Choose another file name.");
        if (ProtectedFiles.KindOf(full) is { } found && found != kind && !overwrite)
            throw new UsageException(option, $"'{path}' holds {ProtectedFiles.Describe(found)}, which this command would replace with " +
                $"{(kind == OutputKind.Other ? "its output" : ProtectedFiles.Describe(kind))}. Choose another file name, or add --overwrite to replace it.");
        CheckFolder(option, path, Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>Checks that <paramref name="folder"/> (given by <paramref name="option"/>) is, or can become, a folder we may create files in.</summary>
    public static void CheckFolder(string option, string path, string folder)
    {
        // The nearest existing ancestor decides: the missing folders below it are created when the file is written.
        string existing = folder;
        while (FileIdentity.KindOf(existing) == FileKind.Missing)
        {
            string? parent = Path.GetDirectoryName(existing);
            if (parent is null) break;
            existing = parent;
        }
        var kind = FileIdentity.KindOf(existing);
        if (kind != FileKind.Directory)
            throw new UsageException(option, $"cannot write '{path}': '{existing}' is {(kind == FileKind.Missing ? "missing" : "a file, not a folder")}.");
        string probe = Path.Combine(existing, $".vpf-write-probe-{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException(option, $"cannot write '{path}': the folder '{existing}' is not writable ({e.Message}).");
        }
    }

    private static string Suggested(string option) => option switch
    {
        "--json" => ".json",
        _ => ".vpf",
    };
}
