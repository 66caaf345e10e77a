using System.Diagnostics;
using System.Text;

namespace Vpf.Packaging.Tests;

/// <summary>Runs the <c>dotnet</c> command as a child process, as a user would in a terminal.</summary>
internal static class DotnetProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The folder holding Vpf.Hybrid.sln, found by walking up from the test's directory.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The configuration this test assembly was built in; the packed projects were built in the same one.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Vpf.Hybrid.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Vpf.Hybrid.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs <c>dotnet args…</c> in <paramref name="workingDirectory"/>, asserts exit code 0 and returns the output.</summary>
    public static string Run(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        // The test host runs under MSBuild/VSTest; a child build must not inherit their settings.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var log = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {Timeout.TotalMinutes} minutes. Output:\n{log}");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited with {process.ExitCode}. Output:\n{log}");
        return log.ToString();
    }
}
