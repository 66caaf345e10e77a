using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vpf.Core.Data;

/// <summary>
/// The kind of a path (regular file, directory, device/FIFO/socket) and whether two paths name the same file, through
/// hard links and symbolic links. .NET reports a FIFO or a device as an ordinary file, so on Linux this asks the
/// C library's <c>stat</c> (which follows symbolic links); elsewhere, or if that call is unavailable, it falls back
/// to what .NET can tell (directories, and equal resolved full paths).
/// </summary>
internal static class FileIdentity
{
    private const int StatBufferLength = 256;
    private const uint TypeMask = 0xF000, RegularType = 0x8000, DirectoryType = 0x4000;

    /// <summary>What <paramref name="path"/> names, following symbolic links.</summary>
    public static FileKind KindOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Stat(path) is { } stat)
            return (stat.Mode & TypeMask) switch
            {
                RegularType => FileKind.Regular,
                DirectoryType => FileKind.Directory,
                _ => FileKind.Special,
            };
        if (Directory.Exists(path)) return FileKind.Directory;
        return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
    }

    /// <summary>
    /// True when both paths exist and name the same file: equal full paths after resolving symbolic links, or (on
    /// Linux) the same device and inode, which also catches hard links.
    /// </summary>
    public static bool SameFile(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (string.Equals(Resolve(a), Resolve(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            return true;
        return Stat(a) is { } x && Stat(b) is { } y && x.Device == y.Device && x.Inode == y.Inode;
    }

    /// <summary>The full path with every symbolic link along it resolved (as far as the path exists).</summary>
    public static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                full = target.FullName;
            string? folder = Path.GetDirectoryName(full);
            if (folder is not null && Directory.Exists(folder))
            {
                var dir = new DirectoryInfo(folder);
                string resolvedFolder = dir.LinkTarget is not null && dir.ResolveLinkTarget(true) is { } t ? t.FullName : dir.FullName;
                full = Path.Combine(resolvedFolder, Path.GetFileName(full));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return full;
    }

    private readonly record struct StatResult(ulong Device, ulong Inode, uint Mode);

    private static bool _statUnavailable;

    private static StatResult? Stat(string path)
    {
        if (_statUnavailable || !OperatingSystem.IsLinux()) return null;
        var arch = RuntimeInformation.ProcessArchitecture;
        int modeOffset = arch switch
        {
            Architecture.X64 => 24,   // st_dev, st_ino, st_nlink (8 bytes each), st_mode
            Architecture.Arm64 => 16, // st_dev, st_ino, st_mode
            _ => -1,
        };
        if (modeOffset < 0) return null;
        var buffer = new byte[StatBufferLength];
        try
        {
            if (NativeStat(path, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            _statUnavailable = true;
            return null;
        }
        return new StatResult(
            BinaryPrimitives.ReadUInt64LittleEndian(buffer),
            BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(8)),
            BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(modeOffset)));
    }

#pragma warning disable SYSLIB1054 // a plain DllImport keeps this free of unsafe code and source generation
    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int NativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
#pragma warning restore SYSLIB1054
}
