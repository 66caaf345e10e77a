using Vpf.Core.Data;

namespace Vpf.Cli;

/// <summary>
/// Keeps two runs from writing the same <c>--out</c> at once: a hidden lock file <c>.NAME.lock</c> next to the output,
/// held open with <see cref="FileShare.None"/> (an exclusive <c>flock</c> on Linux). The operating system drops the
/// lock when the holder dies, so a run killed with SIGKILL never leaves it stuck. On Linux the holder deletes the file
/// before it lets the lock go, and a run that has just locked a file checks that it is still the one at the path
/// (through <c>/proc/self/fd</c>): a run that opened the file before it was deleted would otherwise hold a lock on an
/// unlinked file while a third run locks a new one. Elsewhere the empty file stays and is reused.
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
        for (int attempt = 0; ; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (FileIdentity.KindOf(path) == FileKind.Regular)
            {
                throw Busy(option, outPath, path);
            }
            if (!OperatingSystem.IsLinux() || FileIdentity.SameFile(path, $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}"))
                return new RunLock(stream, path);
            // The holder deleted this file between our open and our lock: lock the file now at the path instead.
            stream.Dispose();
            if (attempt == 3) throw Busy(option, outPath, path);
        }
    }

    /// <summary>Deletes the lock file (on Linux, while still holding it) and releases the lock.</summary>
    public void Dispose()
    {
        if (OperatingSystem.IsLinux())
        {
            try { File.Delete(_path); }
            catch (IOException) { /* the lock is released below all the same */ }
            catch (UnauthorizedAccessException) { }
        }
        _stream.Dispose();
    }

    /// <summary>The lock file's path.</summary>
    public string FilePath => _path;

    private static UsageException Busy(string option, string outPath, string path) =>
        new(option, $"another vpf run is writing '{outPath}' (it holds '{path}'); wait for it to finish or choose another {option}.");
}
