using Vpf.Core.Data;

namespace Vpf.Cli;

/// <summary>
/// Keeps two runs from writing the same <c>--out</c> at once: a hidden lock file <c>.NAME.lock</c> next to the output,
/// held open with <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Linux). The operating system drops the
/// lock when the holder dies, so a run killed with SIGKILL never leaves it stuck. The empty file stays (deleting it
/// on release would let a waiting run lock an unlinked file while a third run locks a new one) and is reused.
/// </summary>
internal sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    private RunLock(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>The lock file guarding <paramref name="outPath"/>.</summary>
    public static string PathFor(string outPath)
    {
        string full = Path.GetFullPath(outPath);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.lock");
    }

    /// <summary>Takes the lock of <paramref name="outPath"/> (creating its folder) or throws a <see cref="UsageException"/> for <paramref name="option"/>.</summary>
    public static RunLock Acquire(string option, string outPath)
    {
        string path = PathFor(outPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), path);
        }
        catch (IOException) when (FileIdentity.KindOf(path) == FileKind.Regular)
        {
            throw new UsageException(option, $"another vpf run is writing '{outPath}' (it holds '{path}'); wait for it to finish or choose another {option}.");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <summary>The lock file's path.</summary>
    public string FilePath => _path;
}
