using Vpf.Core.Data;
using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

/// <summary>Runs one hostile command and checks its exit code, its message and that no existing file changed.</summary>
internal static class HostileInput
{
    /// <summary>
    /// Runs <paramref name="args"/> in <paramref name="folder"/>'s world: asserts exit <paramref name="code"/>, every
    /// string of <paramref name="mentions"/> in the output, no stack trace, and every file that existed before the run
    /// still holding the same bytes (SHA-256) afterwards. Returns the output.
    /// </summary>
    public static string Expect(string folder, int code, string[] mentions, params string[] args) =>
        Expect(folder, code, mentions, null, default, args);

    public static string Expect(string folder, int code, string[] mentions, CliHooks? hooks, CancellationToken token, params string[] args)
    {
        var before = Snapshot(folder);
        var (actual, output) = CliRunner.Run(hooks, token, args);
        Assert.True(actual == code, $"expected exit {code}, got {actual}: {output}");
        // The console wraps long lines: compare with runs of white space made single spaces.
        string flat = System.Text.RegularExpressions.Regex.Replace(output, "\\s+", " ");
        foreach (string m in mentions) Assert.True(flat.Contains(m, StringComparison.Ordinal), $"'{m}' not in the output: {output}");
        Assert.DoesNotContain("   at ", output);
        var after = Snapshot(folder);
        foreach (var (file, hash) in before)
            Assert.True(after.TryGetValue(file, out var now) && now == hash, $"'{file}' was changed or removed: {output}");
        return output;
    }

    /// <summary>SHA-256 of every regular file under <paramref name="folder"/>, by relative path.</summary>
    public static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => FileIdentity.KindOf(f) == FileKind.Regular)
            .ToDictionary(f => Path.GetRelativePath(folder, f), Hash);

    private static string Hash(string file)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }
        catch (IOException)
        {
            return "held open exclusively (a run lock)";
        }
    }

    public static bool MakeFifo(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    public static byte[] Gzip(byte[] content)
    {
        using var m = new MemoryStream();
        using (var g = new GZipStream(m, CompressionLevel.Optimal, leaveOpen: true)) g.Write(content);
        return m.ToArray();
    }
}
