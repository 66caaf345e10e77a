using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vpf.Core.Persistence;
using Xunit.Abstractions;

namespace Vpf.Cli.Tests;

/// <summary>
/// Faults at write time, for every writer of the command: the process killed with SIGKILL at seeded points of the
/// write (from inside, through <see cref="FaultInjection"/>, so the kill lands in the write every time), a full file
/// system, a file size limit, an immutable target. Every case asserts the exit code, the file named in the message,
/// every pre-existing file unchanged byte for byte, and no temporary file left after the next run.
/// </summary>
public class FaultInjectionTests(ITestOutputHelper log)
{
    private const int Seed = 20261203;

    /// <summary>Every writer: model (train), npz and onnx (export), png (sample, reconstruct), json (evaluate), html (report).</summary>
    public static TheoryData<string> Writers => new() { "model", "npz", "onnx", "png", "reconstruct", "json", "html" };

    private static readonly string[] Names = ["model", "npz", "onnx", "png", "reconstruct", "json", "html"];

    private static string[] TrainArgs(TinyData data, string output, params string[] more) =>
        ["train", "--data", data.Folder, "--layers", "8", "--epochs", "2", "--batch-size", "20", "--out", output, .. more];

    private static string TargetOf(string writer) => writer switch
    {
        "model" => "target.vpf",
        "npz" => "target.npz",
        "onnx" => "target.onnx",
        "png" => "target.png",
        "reconstruct" => "target-reconstructions.png",
        "json" => "target.json",
        _ => "target.html",
    };

    private static string OptionOf(string writer) => writer == "json" ? "--json" : "--out";

    /// <summary>Same options, same seed: the same bytes (model, JSON and HTML carry times, so they differ run to run).</summary>
    private static bool Deterministic(string writer) => writer is "npz" or "onnx" or "png" or "reconstruct";

    private static string[] ArgsFor(string writer, TinyData data, string model, string target) => writer switch
    {
        "model" => TrainArgs(data, target, "--seed", "3"),
        "npz" => ["export", model, "--format", "npz", "--out", target],
        "onnx" => ["export", model, "--format", "onnx", "--out", target],
        "png" => ["sample", model, "--count", "16", "--sweeps", "2", "--out", target],
        "reconstruct" => ["reconstruct", model, "--data", data.Folder, "--count", "4", "--out", target],
        "json" => ["evaluate", model, "--data", data.Folder, "--rows", "20", "--ais-runs", "0", "--parzen-chains", "0", "--json", target],
        _ => ["report", model, "--data", data.Folder, "--rows", "20", "--ais-runs", "0", "--sample-sweeps", "2", "--out", target],
    };

    /// <summary>The file a run finds at the target: another model for train, recognisable bytes for the rest.</summary>
    private static void MakeOld(string writer, TinyData data, string target)
    {
        if (writer == "model")
            Assert.Equal(0, CliRunner.Run(TrainArgs(data, target, "--seed", "9")).Code);
        else
            File.WriteAllText(target, string.Concat(Enumerable.Repeat($"the old {writer} output, which must survive\n", 50)));
    }

    private static void AssertComplete(string writer, string path, byte[] reference)
    {
        if (Deterministic(writer))
        {
            Assert.Equal(SHA256.HashData(reference), SHA256.HashData(File.ReadAllBytes(path)));
            return;
        }
        switch (writer)
        {
            case "model": Assert.Equal(8, ModelFile.Load(path).LayerSize(1)); break;
            case "json": Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.ValueKind); break;
            default: Assert.EndsWith("</html>", File.ReadAllText(path).TrimEnd()); break;
        }
    }

    [Theory]
    [MemberData(nameof(Writers))]
    public void Sigkill_during_a_write_keeps_the_old_file_and_the_next_run_leaves_no_temporary_file(string writer)
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(TrainArgs(data, model)).Code);
        string target = data.File(TargetOf(writer)), reference = data.File("reference-" + TargetOf(writer));
        var (code, text) = CliRunner.Run(ArgsFor(writer, data, model, reference));
        Assert.True(code == 0, text);
        byte[] referenceBytes = File.ReadAllBytes(reference);
        File.Delete(reference);
        MakeOld(writer, data, target);
        string[] args = ArgsFor(writer, data, model, target);

        var rng = new Random(Seed + Array.IndexOf(Names, writer));
        long size = referenceBytes.Length;
        // Early in the content, late in it, and after all of it (before the flush and rename).
        foreach (long point in new[] { rng.NextInt64(0, size / 2), rng.NextInt64(size / 2, size), size + (1L << 30) })
        {
            var before = HostileInput.Snapshot(data.Folder);
            var (killed, output) = ChildCli.Run(args, new() { [FaultInjection.KillAfterBytesVariable] = point.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Assert.True(killed == ChildCli.KilledBySigkill, $"byte {point}: exit {killed}\n{output}");
            var after = HostileInput.Snapshot(data.Folder);
            foreach (var (file, hash) in before)
                Assert.True(after.TryGetValue(file, out var now) && now == hash, $"byte {point}: '{file}' was changed or removed\n{output}");
            var temp = Assert.Single(ChildCli.TemporaryFiles(data.Folder), f => !before.ContainsKey(Path.GetRelativePath(data.Folder, f)));
            Assert.StartsWith($".{TargetOf(writer)}.", Path.GetFileName(temp));
            long written = new FileInfo(temp).Length;
            if (point < size) Assert.True(written <= point, $"byte {point}: the temporary file holds {written} bytes");
            else if (Deterministic(writer)) Assert.Equal(referenceBytes, File.ReadAllBytes(temp));
            log.WriteLine($"{writer}: killed after byte {point} of {size}; the temporary file held {written} bytes; the old file is intact");
        }

        // The next run (once the leftovers are older than the 10 s a writer may be idle) removes them and writes the file whole.
        ChildCli.AgeTemporaryFiles(data.Folder);
        (code, text) = CliRunner.Run(args);
        Assert.True(code == 0, text);
        Assert.Empty(ChildCli.TemporaryFiles(data.Folder));
        Assert.Empty(Directory.GetFiles(data.Folder, ".*.lock"));
        AssertComplete(writer, target, referenceBytes);
    }

    [Fact]
    public void Sigkill_from_outside_at_random_times_leaves_the_old_page_or_the_whole_new_one()
    {
        // The report is the largest output (plotly.js is inlined), so its write is the longest window to hit.
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf"), target = data.File("report.html");
        Assert.Equal(0, CliRunner.Run(TrainArgs(data, model)).Code);
        MakeOld("html", data, target);
        byte[] old = File.ReadAllBytes(target);
        string[] args = ArgsFor("html", data, model, target);
        // The kills are timed from the first output line (start-up varies), so measure the run from there.
        var clock = new System.Diagnostics.Stopwatch();
        var (code, text) = ChildCli.Run(args, onLine: (_, _) => { lock (clock) if (!clock.IsRunning) clock.Start(); });
        Assert.True(code == 0, text);
        double runSeconds = clock.Elapsed.TotalSeconds;
        File.WriteAllBytes(target, old);

        var rng = new Random(Seed + 200);
        int oldSeen = 0, newSeen = 0;
        for (int i = 0; i < 4; i++)
        {
            // Anywhere from the middle of the run to just after its end, where the page is rendered and written.
            double delay = runSeconds * (0.4 + 0.7 * rng.NextDouble());
            Timer? timer = null;
            var gate = new object();
            (code, text) = ChildCli.Run(args, onLine: (p, _) =>
            {
                int pid = p.Id;
                lock (gate) timer ??= new Timer(_ => ChildCli.Signal(pid, "KILL"), null, TimeSpan.FromSeconds(delay), Timeout.InfiniteTimeSpan);
            });
            lock (gate) timer?.Dispose();
            byte[] now = File.ReadAllBytes(target);
            if (now.AsSpan().SequenceEqual(old)) oldSeen++;
            else
            {
                Assert.EndsWith("</html>", Encoding.UTF8.GetString(now).TrimEnd());
                newSeen++;
                File.WriteAllBytes(target, old);
            }
            log.WriteLine($"kill after {delay:F2} s of a {runSeconds:F2} s run: exit {code}, {(now.AsSpan().SequenceEqual(old) ? "old page" : "complete new page")}");
        }
        Assert.Equal(4, oldSeen + newSeen);
        ChildCli.AgeTemporaryFiles(data.Folder);
        (code, text) = CliRunner.Run(args);
        Assert.True(code == 0, text);
        Assert.Empty(ChildCli.TemporaryFiles(data.Folder));
        AssertComplete("html", target, []);
    }

    [Fact]
    public void Sigkill_during_a_checkpoint_write_keeps_the_old_checkpoint()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf"), checkpoint = CheckpointFile.PathFor(model);
        using (var cts = new CancellationTokenSource())
        {
            int batches = 0;
            var hooks = new CliHooks { AfterBatch = _ => { if (++batches == 2) cts.Cancel(); } };
            Assert.Equal(ExitCodes.Interrupted, CliRunner.Run(hooks, cts.Token, TrainArgs(data, model)).Code);
        }
        byte[] old = File.ReadAllBytes(checkpoint);
        // A long fresh run over it, interrupted with SIGINT (Ctrl-C) as soon as it trains: it writes its checkpoint.
        string[] args = ["train", "--data", data.Folder, "--layers", "8", "--epochs", "100000", "--batch-size", "20", "--seed", "4", "--out", model, "--overwrite"];
        void Interrupt(System.Diagnostics.Process p, string line)
        {
            if (line.StartsWith("Training m:", StringComparison.Ordinal)) ChildCli.Signal(p.Id, "INT");
        }
        var rng = new Random(Seed + 100);
        foreach (long point in new[] { rng.NextInt64(0, old.Length / 2), rng.NextInt64(old.Length / 2, old.Length * 9L / 10), old.Length + (1L << 30) })
        {
            var before = HostileInput.Snapshot(data.Folder);
            var (killed, output) = ChildCli.Run(args, new() { [FaultInjection.KillAfterBytesVariable] = point.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Interrupt);
            Assert.True(killed == ChildCli.KilledBySigkill, $"byte {point}: exit {killed}\n{output}");
            Assert.Equal(old, File.ReadAllBytes(checkpoint));
            var after = HostileInput.Snapshot(data.Folder);
            foreach (var (file, hash) in before)
                Assert.True(after.TryGetValue(file, out var now) && now == hash, $"byte {point}: '{file}' was changed or removed\n{output}");
            Assert.Single(ChildCli.TemporaryFiles(data.Folder), f => !before.ContainsKey(Path.GetRelativePath(data.Folder, f)));
            Assert.False(File.Exists(model));
        }
        ChildCli.AgeTemporaryFiles(data.Folder);
        var (code, text) = ChildCli.Run(args, onLine: Interrupt);
        Assert.True(code == ExitCodes.Interrupted, text);
        Assert.Empty(ChildCli.TemporaryFiles(data.Folder));
        Assert.Empty(Directory.GetFiles(data.Folder, ".*.lock"));
        Assert.NotEqual(old, File.ReadAllBytes(checkpoint));
        Assert.Equal(8, CheckpointFile.Load(checkpoint).Model.LayerSize(1));
    }

    [Fact]
    public void Every_writer_on_a_full_file_system_is_exit_6_naming_the_output_and_the_old_files_survive()
    {
        if (!OperatingSystem.IsLinux())
        {
            log.WriteLine("SKIPPED: a small tmpfs needs Linux.");
            return;
        }
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(TrainArgs(data, model)).Code);
        string full = Path.Combine(data.Folder, "full");
        Directory.CreateDirectory(full);
        if (!ChildCli.Try("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", full))
        {
            log.WriteLine("SKIPPED: mounting a tmpfs is not permitted here (needs root or CAP_SYS_ADMIN); the file size limit test covers write failures.");
            return;
        }
        try
        {
            foreach (string writer in Names) MakeOld(writer, data, Path.Combine(full, TargetOf(writer)));
            string interrupted = Path.Combine(full, "c.vpf");
            using (var cts = new CancellationTokenSource())
            {
                var hooks = new CliHooks { AfterBatch = _ => cts.Cancel() };
                Assert.Equal(ExitCodes.Interrupted, CliRunner.Run(hooks, cts.Token, TrainArgs(data, interrupted)).Code);
            }
            // Fill the file system to the last block.
            using (var filler = new FileStream(Path.Combine(full, "filler"), FileMode.CreateNew))
                try
                {
                    while (true) filler.Write(new byte[4096]);
                }
                catch (IOException) { }

            foreach (string writer in Names)
                HostileInput.Expect(data.Folder, ExitCodes.OutputFile, [TargetOf(writer), "The file that was there is unchanged"],
                    ArgsFor(writer, data, model, Path.Combine(full, TargetOf(writer))));
            using (var cts = new CancellationTokenSource())
            {
                var hooks = new CliHooks { AfterBatch = _ => cts.Cancel() };
                HostileInput.Expect(data.Folder, ExitCodes.OutputFile, ["c.vpf.vpfckpt", "The file that was there is unchanged"], hooks, cts.Token,
                    TrainArgs(data, interrupted, "--overwrite"));
            }
            Assert.Empty(ChildCli.TemporaryFiles(data.Folder));
            Assert.Empty(Directory.GetFiles(data.Folder, ".*.lock", SearchOption.AllDirectories));
        }
        finally
        {
            Assert.True(ChildCli.Try("umount", full), "could not unmount the test's tmpfs");
        }
    }

    [Fact]
    public void Every_writer_beyond_the_file_size_limit_is_exit_6_naming_the_output_and_the_old_files_survive()
    {
        if (!OperatingSystem.IsLinux() || !ChildCli.Try("bash", "-c", "true"))
        {
            log.WriteLine("SKIPPED: needs Linux and bash for 'ulimit -f'.");
            return;
        }
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(TrainArgs(data, model)).Code);
        foreach (string writer in Names) MakeOld(writer, data, data.File(TargetOf(writer)));
        // A limit of 0 blocks makes every write of a byte fail with EFBIG. The runtime's W^X double mapping grows a
        // file of its own at start-up, so it is switched off for this process.
        var environment = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" };
        foreach (string writer in Names)
        {
            var before = HostileInput.Snapshot(data.Folder);
            var (code, output) = ChildCli.Run(ArgsFor(writer, data, model, data.File(TargetOf(writer))), environment, fileSizeLimitBlocks: 0);
            Assert.True(code == ExitCodes.OutputFile, $"{writer}: exit {code}\n{output}");
            string flat = System.Text.RegularExpressions.Regex.Replace(output, "\\s+", " ");
            Assert.Contains(TargetOf(writer), flat);
            Assert.Contains("file size limit", flat);
            Assert.Contains("The file that was there is unchanged", flat);
            Assert.DoesNotContain("   at ", output);
            var after = HostileInput.Snapshot(data.Folder);
            foreach (var (file, hash) in before)
                Assert.True(after.TryGetValue(file, out var now) && now == hash, $"{writer}: '{file}' was changed or removed\n{output}");
            Assert.Empty(ChildCli.TemporaryFiles(data.Folder));
        }
    }

    [Fact]
    public void An_immutable_target_is_refused_before_any_work()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(TrainArgs(data, model)).Code);
        foreach (string writer in Names) MakeOld(writer, data, data.File(TargetOf(writer)));
        var targets = Names.Select(w => data.File(TargetOf(w))).ToArray();
        if (!OperatingSystem.IsLinux() || !ChildCli.Try("chattr", ["+i", .. targets]))
        {
            log.WriteLine("SKIPPED: 'chattr +i' is not supported here (needs root and a file system with the immutable flag).");
            return;
        }
        try
        {
            foreach (string writer in Names)
            {
                string output = HostileInput.Expect(data.Folder, ExitCodes.Usage, [OptionOf(writer), TargetOf(writer), "cannot replace", "immutable"],
                    ArgsFor(writer, data, model, data.File(TargetOf(writer))));
                Assert.DoesNotContain("Training ", output);
                Assert.DoesNotContain("Evaluating", output);
            }
        }
        finally
        {
            Assert.True(ChildCli.Try("chattr", ["-i", .. targets]));
        }
    }
}
