using System.Diagnostics;
using System.Text;
using Vpf.Core.Persistence;
using Xunit.Abstractions;

namespace Vpf.Cli.Tests;

// `vpf train --distributed` under real MPI launchers: MPICH's mpiexec.mpich is required in CI (.ci/run installs it);
// Open MPI's launcher is used when installed. Models are compared parameter by parameter: with SGD (linear in the
// gradient) 2 processes and 1 process differ only by the order of the gradient's float additions; the tolerance
// 1e-4 is two orders below what the training moves (checked in the test).
[Trait("Category", "Slow")]
public class DistributedTests(ITestOutputHelper log)
{
    private const double Tolerance = 1e-4;

    private static string[] TrainArgs(TinyData data, string output, params string[] extra) =>
        ["train", "--data", data.Folder, "--layers", "12", "--epochs", "3", "--batch-size", "20", "--optimiser", "sgd",
         "--learning-rate", "0.05", "--threads", "1", "--seed", "3", "--out", output, .. extra];

    [Theory]
    [InlineData("mpich")]
    [InlineData("openmpi")]
    public void Two_processes_train_the_model_one_process_trains(string implementation)
    {
        if (Launcher(implementation) is not { } launcher) return;
        using var data = new TinyData(200, 60);
        string alone = data.File("alone.vpf"), two = data.File("two.vpf");
        var (code, output) = CliRunner.Run(TrainArgs(data, alone));
        Assert.True(code == 0, output);
        (code, output) = Launch(launcher, 2, TrainArgs(data, two, "--distributed"), TimeSpan.FromMinutes(2));
        Assert.True(code == 0, output);
        Assert.Equal(1, Count(output, "Distributed: 2 processes")); // process 1 is quiet
        Assert.Equal(1, Count(output, "Wrote "));

        float[] a = Parameters(alone), b = Parameters(two);
        double worst = a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
        log.WriteLine($"{implementation}: largest parameter difference {worst:G3}");
        Assert.True(worst < Tolerance, $"2 processes differ from 1 by {worst:G3}");
        (code, output) = CliRunner.Run(TrainArgs(data, data.File("shorter.vpf"), "--epochs", "2"));
        Assert.True(code == 0, output);
        Assert.True(a.Zip(Parameters(data.File("shorter.vpf")), (x, y) => Math.Abs((double)x - y)).Max() > 100 * Tolerance, "the last epoch moved nothing");
    }

    [Fact]
    public void Ctrl_c_on_the_launcher_leaves_process_0s_checkpoint_and_resume_with_the_same_count_finishes_the_same_model()
    {
        if (Launcher("mpich") is not { } launcher) return;
        using var data = new TinyData(2000, 60);
        string reference = data.File("reference.vpf"), model = data.File("model.vpf");
        // 40 short epochs: the Ctrl-C sent after the first must arrive well before the last, even on a fast machine.
        string[] Args(string output, params string[] extra) =>
            ["train", "--data", data.Folder, "--layers", "24", "--epochs", "40", "--batch-size", "10", "--threads", "1", "--out", output, .. extra];

        var (code, output) = Launch(launcher, 2, Args(reference, "--distributed"), TimeSpan.FromMinutes(3));
        Assert.True(code == 0, output);
        (code, output) = Launch(launcher, 2, Args(model, "--distributed"), TimeSpan.FromMinutes(3),
            (process, line) => { if (line.Contains("epoch 1/40:")) Signal(process.Id, "INT"); });
        // Every process exits with 130; what the launcher returns after forwarding Ctrl-C is its own choice (Hydra: 0 or 130).
        Assert.True(code is 0 or 130, $"exit code {code}\n{output}");
        Assert.True(Count(output, "error: Interrupted.") == 2, output); // every process says why it stopped
        Assert.Contains("checkpoint written to", output);
        Assert.True(File.Exists(CheckpointFile.PathFor(model)), output);
        Assert.False(File.Exists(model));

        (code, output) = Launch(launcher, 2, Args(model, "--distributed", "--resume"), TimeSpan.FromMinutes(3));
        Assert.True(code == 0, output);
        Assert.Contains("Resuming", output);
        Assert.False(File.Exists(CheckpointFile.PathFor(model)));
        Assert.Equal(Parameters(reference), Parameters(model)); // the sum of two partial sums is order-free: bit for bit
    }

    [Fact]
    public void Processes_started_with_different_command_lines_stop_with_an_error_naming_it()
    {
        if (Launcher("mpich") is not { } launcher) return;
        using var data = new TinyData(200, 60);
        string[] first = TrainArgs(data, data.File("m.vpf"), "--distributed"), second = [.. first, "--seed", "4"];
        var start = Stopwatch.StartNew();
        var (code, output) = Run(launcher, ["-n", "1", .. Vpf(first), ":", "-n", "1", .. Vpf(second)], TimeSpan.FromMinutes(2));
        Assert.True(code == ExitCodes.Usage, $"exit code {code}\n{output}");
        Assert.Contains("distributed training cannot start: the 2 processes were started with different command lines", output);
        Assert.DoesNotContain("Invalid option", output);
        Assert.False(File.Exists(data.File("m.vpf")));
        log.WriteLine($"stopped after {start.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void A_process_that_never_joins_stops_the_job_after_the_timeout_instead_of_hanging()
    {
        if (Launcher("mpich") is not { } launcher) return;
        using var data = new TinyData(200, 60);
        // The second process runs another command, which never initialises MPI: without the time-out the first
        // would wait inside MPI_Init forever.
        string[] train = TrainArgs(data, data.File("m.vpf"), "--distributed", "--distributed-timeout", "3");
        var start = Stopwatch.StartNew();
        var (code, output) = Run(launcher, ["-n", "1", .. Vpf(train), ":", "-n", "1", .. Vpf(["info"])], TimeSpan.FromSeconds(90));
        log.WriteLine($"stopped after {start.Elapsed.TotalSeconds:F1} s with exit code {code}");
        Assert.NotEqual(0, code);
        Assert.Contains("waited 3 s in MPI_Init for the other processes", output);
        Assert.DoesNotContain("process ? of ?", output);
        Assert.False(File.Exists(data.File("m.vpf")));
    }

    [Fact]
    public void A_missing_mpi_library_is_a_usage_error_naming_what_was_tried()
    {
        using var data = new TinyData(200, 60);
        string missing = Path.Combine(data.Folder, "no-such-libmpi.so");
        var (code, output) = Run(Dotnet, [VpfDll, .. TrainArgs(data, data.File("m.vpf"), "--distributed")], TimeSpan.FromMinutes(1),
            environment: new() { ["VPF_MPI_LIBRARY"] = missing });
        Assert.True(code == ExitCodes.Usage, $"exit code {code}\n{output}");
        Assert.Contains("--distributed: no MPI library could be loaded", output);
        Assert.Contains(missing, output);
        Assert.Contains("VPF_MPI_LIBRARY", output);
    }

    private string? Launcher(string implementation)
    {
        string name = implementation == "mpich" ? "mpiexec.mpich" : "mpiexec.openmpi";
        if (Which(name) is { } path) return path;
        if (implementation == "mpich")
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "mpiexec.mpich is required in CI (apt-get install -y mpich).");
        log.WriteLine($"SKIPPED: {name} is not installed.");
        return null;
    }

    private static (int Code, string Output) Launch(string launcher, int processes, string[] args, TimeSpan timeout, Action<Process, string>? onLine = null)
    {
        string[] options = launcher.EndsWith("openmpi", StringComparison.Ordinal)
            ? ["--allow-run-as-root", "--oversubscribe", "-n", processes.ToString()]
            : ["-n", processes.ToString()];
        return Run(launcher, [.. options, .. Vpf(args)], timeout, onLine);
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static string VpfDll => Path.Combine(AppContext.BaseDirectory, "vpf.dll");

    private static string[] Vpf(string[] args) => [Dotnet, VpfDll, .. args];

    private static (int Code, string Output) Run(string file, string[] args, TimeSpan timeout, Action<Process, string>? onLine = null,
        Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
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
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(file)} did not finish within {timeout.TotalSeconds} s:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
    }

    private static float[] Parameters(string path) => ModelFile.Load(path).Parameters.Tensors.SelectMany(t => t).ToArray();

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
