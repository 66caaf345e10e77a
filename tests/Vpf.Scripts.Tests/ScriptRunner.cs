using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Vpf.Scripts.Tests;

/// <summary>Runs a script of scripts/ in quick mode with <c>dotnet fsi</c> as a separate process.</summary>
internal static class ScriptRunner
{
    /// <summary>A quick run must finish well within this (the issue asks for under two minutes on 2 cores).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    /// <summary>The folder holding Vpf.Hybrid.sln, found by walking up from the test's directory.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Vpf.Hybrid.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Vpf.Hybrid.sln not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs <c>dotnet fsi scripts/{script} --quick --out {temp}</c> and returns the output folder and the process output.</summary>
    public static (string OutDir, string Log, TimeSpan Elapsed) RunQuick(string script)
    {
        string outDir = Path.Combine(Path.GetTempPath(), "vpf-scripts-" + Path.GetFileNameWithoutExtension(script) + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(outDir);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "fsi", Path.Combine("scripts", script), "--quick", "--out", outDir })
            info.ArgumentList.Add(a);
        var log = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} --quick did not finish within {Timeout.TotalMinutes} minutes. Output:\n{log}");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{script} --quick exited with {process.ExitCode}. Output:\n{log}");
        return (outDir, log.ToString(), clock.Elapsed);
    }

    /// <summary>Parses a JSON file the script wrote.</summary>
    public static JsonNode ReadJson(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written.");
        return JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} holds JSON null.");
    }

    /// <summary>The number at <paramref name="node"/>, asserted present and finite.</summary>
    public static double Finite(JsonNode? node, string what)
    {
        Assert.True(node is not null, $"{what} is missing or null.");
        double value = node!.GetValue<double>();
        Assert.True(double.IsFinite(value), $"{what} = {value} is not finite.");
        return value;
    }

    /// <summary>Asserts that a file exists and is not empty; for HTML, that plotly.js is embedded (viewable offline).</summary>
    public static void AssertPage(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written.");
        string text = File.ReadAllText(path);
        Assert.True(text.Length > 100_000, $"{path} has {text.Length} characters; a self-contained Plotly page embeds plotly.js (about 3 MB).");
        // plotly.js itself mentions its CDN; what must not be there is a script tag that loads anything from the network.
        Assert.DoesNotMatch(@"<script[^>]*\ssrc=[""']?https?:", text);
    }

    /// <summary>
    /// Known answers of every embedded evaluation report: for a pixel-flip corruption the corrupted input is wrong on
    /// every corrupted pixel (error exactly 1); and what does not depend on the model — the corrupted input's and the
    /// majority fill's scores per corruption, the raw-pixel probe (where a report computed it rather than writing NaN), the
    /// independent-pixel likelihood — is the same in every report, since all were evaluated on the same images with the
    /// same seed.
    /// </summary>
    public static void AssertModelIndependentParts(IReadOnlyList<(string Name, JsonNode Report)> reports)
    {
        Assert.NotEmpty(reports);
        string Baselines(JsonNode report)
        {
            var parts = new List<string>();
            foreach (var c in report["reconstruction"]!["corruptions"]!.AsArray())
            {
                parts.Add($"{c!["corruption"]}: input {c["corruptedInput"]!.ToJsonString()}, fill {c["majorityFill"]!.ToJsonString()}");
                if (string.Equals(c["kind"]?.GetValue<string>(), "PixelFlips", StringComparison.OrdinalIgnoreCase))
                    Assert.Equal(1.0, c["corruptedInput"]!["errorOnCorrupted"]!.GetValue<double>());
            }
            parts.Add($"independent pixels {report["logLikelihood"]?["independentPixels"]?.ToJsonString()}");
            return string.Join("\n", parts);
        }
        var probes = reports.Select(r => r.Report["linearProbe"]?["result"]?["pixelAccuracy"]?.ToJsonString())
            .Where(p => p is not null && p != "\"NaN\"").Distinct().ToList();
        Assert.True(probes.Count <= 1, $"the raw-pixel probe differs between runs: {string.Join(", ", probes)}");
        string first = Baselines(reports[0].Report);
        foreach (var (name, report) in reports.Skip(1))
        {
            string these = Baselines(report);
            Assert.True(first == these, $"{name}: the model-independent scores differ from {reports[0].Name}'s:\n{these}\nvs\n{first}");
        }
    }
}
