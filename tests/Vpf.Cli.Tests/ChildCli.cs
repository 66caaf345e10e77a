using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Vpf.Cli.Tests;

/// <summary>Runs <c>vpf</c> as a child process (so it can be killed or limited), and the checks shared by the fault-injection tests.</summary>
internal static partial class ChildCli
{
    /// <summary>Exit code of a process killed by SIGKILL, as .NET reports it (128 + 9).</summary>
    public const int KilledBySigkill = 137;

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static string VpfDll => Path.Combine(AppContext.BaseDirectory, "vpf.dll");

    /// <summary>
    /// Runs <c>vpf <paramref name="args"/></c>; <paramref name="onLine"/> sees every output line with the process.
    /// With <paramref name="fileSizeLimitBlocks"/>, runs it under bash with <c>ulimit -f</c> and SIGXFSZ ignored, so
    /// writing beyond the limit fails with EFBIG instead of killing the process.
    /// </summary>
    public static (int Code, string Output) Run(string[] args, Dictionary<string, string>? environment = null,
        Action<Process, string>? onLine = null, int? fileSizeLimitBlocks = null)
    {
        var start = fileSizeLimitBlocks is { } blocks
            ? new ProcessStartInfo("bash") { ArgumentList = { "-c", $"trap '' XFSZ; ulimit -f {blocks}; exec \"$@\"", "bash", Dotnet, VpfDll } }
            : new ProcessStartInfo(Dotnet) { ArgumentList = { VpfDll } };
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? []) start.Environment[k] = v;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        void Take(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            onLine?.Invoke(process, line);
        }
        process.OutputDataReceived += (_, e) => Take(e.Data);
        process.ErrorDataReceived += (_, e) => Take(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"vpf did not finish within 120 s:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }

    /// <summary>Sends <paramref name="signal"/> (e.g. "INT") to <paramref name="pid"/>.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>The temporary files of the atomic writer (<c>.NAME.&lt;32 hex&gt;.tmp</c>) under <paramref name="folder"/>.</summary>
    public static string[] TemporaryFiles(string folder) =>
        Directory.GetFiles(folder, ".*.tmp", SearchOption.AllDirectories).Where(f => TempName().IsMatch(Path.GetFileName(f))).ToArray();

    /// <summary>Makes every temporary file under <paramref name="folder"/> look untouched for an hour (stale files must be ≥ 10 s old).</summary>
    public static void AgeTemporaryFiles(string folder)
    {
        foreach (string f in TemporaryFiles(folder)) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddHours(-1));
    }

    /// <summary>Runs a program and says whether it succeeded.</summary>
    public static bool Try(string file, params string[] args)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    [GeneratedRegex("^\\..+\\.[0-9a-f]{32}\\.tmp$")]
    private static partial Regex TempName();
}
