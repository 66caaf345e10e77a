using Vpf.Core.Data;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Vpf.Core.Persistence;

namespace Vpf.Cli.Tests;

/// <summary>
/// The hostile or careless uses of <c>vpf</c>: each with its exact exit code, a message naming the option or file,
/// and every file that existed before unchanged afterwards.
/// </summary>
public class HostileInputTests
{
    private static string[] Train(TinyData data, string output, params string[] more) =>
        ["train", "--data", data.Folder, "--layers", "8", "--epochs", "2", "--batch-size", "20", "--out", output, .. more];

    [Fact]
    public void Training_onto_a_data_file_is_refused_and_the_data_survive()
    {
        using var data = new TinyData(40, 10);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "input"], Train(data, data.File("t10k-images-idx3-ubyte")));
        string link = data.File("link.vpf");
        File.CreateSymbolicLink(link, data.File("train-images-idx3-ubyte"));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "input"], Train(data, link));
    }

    [Fact]
    public void Exporting_a_model_onto_itself_is_refused()
    {
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "m.vpf"], "export", model, "--out", model);
        File.Move(model, data.File("m.npz"));
        // The default output (the model path with .npz) would be the model itself.
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out"], "export", data.File("m.npz"));
    }

    [Fact]
    public void Outputs_that_are_directories_fifos_empty_or_under_a_file_fail_before_any_work()
    {
        using var data = new TinyData(40, 10);
        string dir = data.File("adir");
        Directory.CreateDirectory(dir);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "directory"], Train(data, dir));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "expected a file name"], Train(data, ""));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "not a folder"], Train(data, Path.Combine(model, "x.vpf")));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--json", "directory"], "evaluate", model, "--data", data.Folder, "--json", dir, "--ais-runs", "0");
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "directory"], "export", model, "--out", dir);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "directory"], "sample", model, "--out", dir);
        string fifo = data.File("pipe");
        if (!HostileInput.MakeFifo(fifo)) return;
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "not a regular file"], Train(data, fifo));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "not a regular file"], "sample", model, "--out", fifo, "--sweeps", "1");
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "not a regular file"], "export", model, "--out", fifo);
        Assert.Equal(Core.Data.FileKind.Special, FileIdentity.KindOf(fifo));
    }

    [Fact]
    public void A_fresh_run_never_replaces_an_interrupted_runs_checkpoint_unless_told_to()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        using var cts = new CancellationTokenSource();
        var hooks = new CliHooks { AfterBatch = _ => cts.Cancel() };
        HostileInput.Expect(data.Folder, ExitCodes.Interrupted, ["checkpoint written"], hooks, cts.Token, Train(data, model));
        string checkpoint = CheckpointFile.PathFor(model);
        Assert.True(File.Exists(checkpoint));

        // Other options, no --resume: refused, the checkpoint kept byte for byte.
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", checkpoint, "--resume", "--overwrite", "stopped after epoch 0, batch 1"],
            Train(data, model, "--seed", "9"));
        Assert.True(File.Exists(checkpoint));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--overwrite", "--resume"], Train(data, model, "--resume", "--overwrite"));

        // --overwrite discards it and starts afresh.
        Assert.Equal(0, CliRunner.Run(Train(data, model, "--seed", "9", "--overwrite")).Code);
        Assert.False(File.Exists(checkpoint));
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void A_second_writer_to_the_same_out_is_excluded_and_a_dead_writers_lock_does_not_stick()
    {
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        using (RunLock.Acquire("--out", model))
            HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "another vpf run"], Train(data, model));
        Assert.False(File.Exists(model));
        // The holder removes its lock file when it lets go; a run leaves none behind.
        Assert.False(File.Exists(RunLock.PathFor(model)));
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        Assert.True(File.Exists(model));
        Assert.False(File.Exists(RunLock.PathFor(model)));
        // A lock file left by a holder killed with SIGKILL is not held by anyone: the next run proceeds and removes it.
        File.WriteAllBytes(RunLock.PathFor(model), []);
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        Assert.False(File.Exists(RunLock.PathFor(model)));
    }

    [Fact]
    public void A_lock_holder_killed_with_sigkill_releases_the_out()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/flock")) return; // util-linux's flock takes the same lock as the run
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        string lockFile = RunLock.PathFor(model);
        // "flock -o" holds the lock itself and does not pass it to its child, so killing flock must release it.
        using var holder = System.Diagnostics.Process.Start("/usr/bin/flock", ["-o", lockFile, "sleep", "60"]);
        // Wait until flock holds the lock (a non-blocking flock on the same file then fails with 75). Running the CLI
        // before that would race: a finished run removes its lock file, and flock could end up locking the removed file.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var probe = System.Diagnostics.Process.Start("/usr/bin/flock", ["-n", "-E", "75", lockFile, "true"]);
            probe.WaitForExit();
            if (probe.ExitCode == 75) break;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "flock never took the lock");
            Thread.Sleep(20);
        }
        var (code, output) = CliRunner.Run(Train(data, model));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("another vpf run", output);
        Assert.False(File.Exists(model));
        holder.Kill(entireProcessTree: true); // SIGKILL
        holder.WaitForExit();
        // The dead holder's lock file is free: the run takes it, and removes it when done.
        var (after, text) = CliRunner.Run(Train(data, model));
        Assert.True(after == 0, text);
        Assert.True(File.Exists(model));
        Assert.False(File.Exists(lockFile));
    }

    [Fact]
    public void Stale_temporary_files_of_a_killed_write_are_removed_by_the_next_write()
    {
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        string stale = data.File($".m.vpf.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, new byte[100_000]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        Assert.False(File.Exists(stale));
    }

    public static TheoryData<string, string> CheckpointEdits => new()
    {
        { "EpochsCompleted=-5", "EpochsCompleted" },
        { "BatchesCompleted=-1", "BatchesCompleted" },
        { "Moments=0", "Moments" },
        { "Moments=-1", "Moments" },
        { "EpochSumK=NaN", "EpochSumK" },
        { "OptimiserStep=100", "OptimiserStep" },
        { "EpochRows=7", "EpochRows" },
        { "EpochsCompleted=1", "History" },
        { "BatchesCompleted=5", "BatchesCompleted" },
        { "flip", "CRC-32C" },
        { "Offsets[0][5]=1e30", "Offsets[0][5]" },
        { "Offsets[1][0]=-0.5", "Offsets[1][0]" },
        { "Seconds=1e308", "Seconds" },
        { "EpochSumK=-1", "EpochSumK" },
        { "EpochSumK=1e300", "EpochSumK" },
        { "EpochClamps=1000000000", "EpochClamps" },
    };

    [Theory]
    [MemberData(nameof(CheckpointEdits))]
    public void A_tampered_checkpoint_is_exit_4_naming_the_file_and_field_and_nothing_is_written(string edit, string mention)
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        using var cts = new CancellationTokenSource();
        int batches = 0;
        var hooks = new CliHooks { AfterBatch = _ => { if (++batches == 3) cts.Cancel(); } };
        Assert.Equal(ExitCodes.Interrupted, CliRunner.Run(hooks, cts.Token, Train(data, model)).Code);
        string checkpoint = CheckpointFile.PathFor(model);
        File.WriteAllBytes(checkpoint, Tamper(File.ReadAllBytes(checkpoint), edit));
        HostileInput.Expect(data.Folder, ExitCodes.ModelFile, ["m.vpf.vpfckpt", mention], Train(data, model, "--resume"));
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void The_demo_does_not_discard_an_interrupted_run_in_its_folder_without_overwrite()
    {
        using var data = new TinyData(100, 20);
        string outDir = Path.Combine(data.Folder, "out"), model = Path.Combine(outDir, "cd1.vpf");
        Directory.CreateDirectory(outDir);
        using (var cts = new CancellationTokenSource())
        {
            var hooks = new CliHooks { AfterBatch = _ => cts.Cancel() };
            Assert.Equal(ExitCodes.Interrupted, CliRunner.Run(hooks, cts.Token, Train(data, model)).Code);
        }
        Assert.True(File.Exists(CheckpointFile.PathFor(model)));
        string[] demo = ["demo", "--data", data.Folder, "--hidden", "8", "--epochs", "1", "--rows", "20", "--probe-rows", "0",
            "--sample-sweeps", "2", "--ais-runs", "0", "--out", outDir];
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "cd1.vpf.vpfckpt", "interrupted training run", "--overwrite"], demo);
        Assert.Empty(Directory.GetFiles(outDir, "*.json"));

        // A model file where the demo writes its report is refused the same way as for the other writers.
        File.Delete(CheckpointFile.PathFor(model));
        Assert.Equal(0, CliRunner.Run(Train(data, data.File("m.vpf"))).Code);
        File.Copy(data.File("m.vpf"), Path.Combine(outDir, "report.html"));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--out", "report.html", "a vpf model file", "--overwrite"], demo);
    }

    [Fact]
    public void Resuming_with_other_data_is_a_usage_error()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        using var cts = new CancellationTokenSource();
        var hooks = new CliHooks { AfterBatch = _ => cts.Cancel() };
        Assert.Equal(ExitCodes.Interrupted, CliRunner.Run(hooks, cts.Token, Train(data, model, "--train-rows", "80")).Code);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--resume", "other training data", "80 rows"], Train(data, model, "--train-rows", "60", "--resume"));
        Assert.Equal(0, CliRunner.Run(Train(data, model, "--train-rows", "80", "--resume")).Code);
    }

    [Theory]
    [InlineData("36,8000000", "--layers", "limit")]
    [InlineData("36,2147483647", "--layers", "limit")]
    [InlineData("8,1000000,1000000", "--layers", "limit")]
    [InlineData("37,20", "--layers", "36")]
    public void Layer_sizes_beyond_the_limit_or_a_wrong_visible_size_are_refused(string layers, string option, string mention)
    {
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        HostileInput.Expect(data.Folder, ExitCodes.Usage, [option, mention], "train", "--data", data.Folder, "--layers", layers, "--out", model);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Epochs_times_batches_beyond_the_limit_is_refused_before_training()
    {
        using var data = new TinyData(40, 10);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--epochs", "2,147,483,647"],
            "train", "--data", data.Folder, "--layers", "8", "--epochs", "2147483647", "--batch-size", "10", "--out", data.File("m.vpf"));
    }

    [Theory]
    [InlineData("--epochs", "99999999999", "out of range")]
    [InlineData("--learning-rate", "fast", "expected a number")]
    [InlineData("--batch-size", "ten", "whole number")]
    [InlineData("--weight-decay", "1,5", "expected a number")]
    public void Unparsable_numbers_name_the_option_and_the_expected_form(string option, string value, string mention)
    {
        using var data = new TinyData(40, 10);
        string output = HostileInput.Expect(data.Folder, ExitCodes.Usage, [option, mention, value], Train(data, data.File("m.vpf"), option, value));
        Assert.DoesNotContain("Nullable", output);
    }

    [Fact]
    public void Divergence_and_interruption_keep_their_exit_codes_and_touch_no_existing_file()
    {
        using var data = new TinyData(100, 20);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        string other = data.File("other.vpf");
        // Divergence replaces only its own --out, with the last good (finite) model.
        HostileInput.Expect(data.Folder, ExitCodes.Diverged, ["last good model"],
            Train(data, other, "--optimiser", "sgd", "--learning-rate", "1e30"));
        Assert.True(ModelFile.Load(other).Parameters.IsFinite());
        File.Delete(other);
        using var cts = new CancellationTokenSource();
        var hooks = new CliHooks { AfterBatch = _ => cts.Cancel() };
        HostileInput.Expect(data.Folder, ExitCodes.Interrupted, ["checkpoint written"], hooks, cts.Token, Train(data, other));
        Assert.False(File.Exists(other));
        Assert.Equal(0, CliRunner.Run(Train(data, other, "--resume")).Code);
        Assert.False(File.Exists(CheckpointFile.PathFor(other)));
    }

    [Fact]
    public void Counts_that_would_size_huge_buffers_are_refused_naming_the_option()
    {
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--count", "limit"], "sample", model, "--count", "2000000000", "--out", data.File("s.png"));
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--ais-runs", "limit"], "evaluate", model, "--data", data.Folder, "--ais-runs", "2000000000");
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--parzen-chains", "limit"], "evaluate", model, "--data", data.Folder, "--ais-runs", "0", "--parzen-chains", "200000000");
    }

    [Fact]
    public void A_folder_with_one_image_is_too_small_to_split_and_says_the_minimum()
    {
        using var data = new TinyData(40, 10);
        foreach (string f in Directory.GetFiles(data.Folder)) File.Delete(f);
        using var one = new TinyData(1, 1);
        File.Copy(one.File("t10k-images-idx3-ubyte"), data.File("t10k-images-idx3-ubyte"));
        HostileInput.Expect(data.Folder, ExitCodes.DataFile, ["t10k-images-idx3-ubyte", "at least 2"], Train(data, data.File("m.vpf")));
        string model = one.File("m.vpf");
        Assert.Equal(0, CliRunner.Run("train", "--data", one.Folder, "--layers", "8", "--epochs", "1", "--out", model).Code);
        HostileInput.Expect(data.Folder, ExitCodes.DataFile, ["at least 2"], "evaluate", model, "--data", data.Folder, "--ais-runs", "0");
    }

    [Fact]
    public void Data_errors_tell_missing_from_not_a_folder()
    {
        using var data = new TinyData(40, 10);
        HostileInput.Expect(data.Folder, ExitCodes.DataFile, ["does not exist", "nothing"], Train(data, data.File("m.vpf"), "--data", data.File("nothing")));
        HostileInput.Expect(data.Folder, ExitCodes.DataFile, ["not a folder", "t10k-images-idx3-ubyte"],
            Train(data, data.File("m.vpf"), "--data", data.File("t10k-images-idx3-ubyte")));
    }

    [Theory]
    [InlineData("header", "bad header")]
    [InlineData("crc", "bad CRC")]
    [InlineData("truncated", "truncated")]
    public void Gzip_damage_in_a_data_file_is_named(string damage, string mention)
    {
        using var data = new TinyData(40, 10);
        string raw = data.File("train-images-idx3-ubyte");
        byte[] gz = HostileInput.Gzip(File.ReadAllBytes(raw));
        File.Delete(raw);
        switch (damage)
        {
            case "header": gz[2] = 9; break;
            case "crc": gz[^7] ^= 0x10; break;
            default: gz = gz[..(gz.Length / 2)]; break;
        }
        File.WriteAllBytes(raw + ".gz", gz);
        HostileInput.Expect(data.Folder, ExitCodes.DataFile, ["train-images-idx3-ubyte.gz", "corrupt gzip", mention], Train(data, data.File("m.vpf")));
    }

    [Fact]
    public void Threads_works_on_every_command()
    {
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run([.. Train(data, model), "--threads", "1"]).Code);
        Assert.Equal(0, CliRunner.Run("sample", model, "--threads", "1", "--count", "2", "--sweeps", "1", "--out", data.File("s.png")).Code);
        Assert.Equal(0, CliRunner.Run("export", model, "--threads", "1", "--out", data.File("m.npz")).Code);
        Assert.Equal(0, CliRunner.Run("info", model, "--threads", "1").Code);
        HostileInput.Expect(data.Folder, ExitCodes.Usage, ["--threads"], "info", model, "--threads", "-1");
    }

    [Fact]
    public void Malformed_data_and_corrupt_models_keep_their_exit_codes_and_change_nothing()
    {
        using var data = new TinyData(40, 10);
        string model = data.File("m.vpf");
        Assert.Equal(0, CliRunner.Run(Train(data, model)).Code);
        byte[] bytes = File.ReadAllBytes(model);
        bytes[bytes.Length / 2] ^= 1;
        string bad = data.File("bad.vpf");
        File.WriteAllBytes(bad, bytes);
        HostileInput.Expect(data.Folder, ExitCodes.ModelFile, ["bad.vpf", "corrupted"], "evaluate", bad, "--data", data.Folder, "--ais-runs", "0");
        HostileInput.Expect(data.Folder, ExitCodes.ModelFile, ["bad.vpf"], "export", bad, "--out", data.File("x.npz"));
        HostileInput.Expect(data.Folder, ExitCodes.ModelFile, ["bad.vpf"], "info", bad);
        File.WriteAllBytes(data.File("t10k-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 99]);
        HostileInput.Expect(data.Folder, ExitCodes.DataFile, ["t10k-labels-idx1-ubyte"], Train(data, data.File("n.vpf")));
    }

    private static byte[] Tamper(byte[] checkpoint, string edit)
    {
        if (edit == "flip")
        {
            // Flip a bit inside checkpoint.json and rebuild the zip with the old checksum comment.
            var entries = Entries(checkpoint, out string comment);
            int i = entries.FindIndex(e => e.Name == "checkpoint.json");
            entries[i].Bytes[entries[i].Bytes.Length / 3] ^= 0x02;
            return Zip(entries, comment);
        }
        var list = Entries(checkpoint, out _);
        int s = list.FindIndex(e => e.Name == "checkpoint.json");
        var json = JsonNode.Parse(list[s].Bytes)!.AsObject();
        string key = edit[..edit.IndexOf('=')], value = edit[(edit.IndexOf('=') + 1)..];
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        JsonNode node = value == "NaN" ? JsonValue.Create("NaN")
            : value.Contains('e') || value.Contains('.') ? JsonValue.Create(double.Parse(value, invariant)) : JsonValue.Create(long.Parse(value, invariant));
        if (key.StartsWith("Offsets[", StringComparison.Ordinal))
        {
            var index = key["Offsets[".Length..^1].Split("][").Select(int.Parse).ToArray();
            json["Offsets"]![index[0]]![index[1]] = node;
        }
        else
            json[key] = node;
        list[s] = ("checkpoint.json", Encoding.UTF8.GetBytes(json.ToJsonString()));
        return Zip(list, "vpf-checkpoint crc32c=" + Checksum(list).ToString("x8", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The documented checkpoint checksum, computed here independently: CRC-32C over each entry's UTF-8 name, int64 length and bytes.</summary>
    private static uint Checksum(List<(string Name, byte[] Bytes)> entries)
    {
        uint crc = 0xFFFFFFFF;
        void Add(ReadOnlySpan<byte> data)
        {
            foreach (byte b in data)
            {
                crc ^= b;
                for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0x82F63B78u ^ (crc >> 1) : crc >> 1;
            }
        }
        foreach (var (name, bytes) in entries)
        {
            Add(Encoding.UTF8.GetBytes(name));
            Add(BitConverter.GetBytes((long)bytes.Length));
            Add(bytes);
        }
        return ~crc;
    }

    private static List<(string Name, byte[] Bytes)> Entries(byte[] archive, out string comment)
    {
        using var zip = new ZipArchive(new MemoryStream(archive));
        comment = zip.Comment;
        return zip.Entries.Select(e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return (e.FullName, m.ToArray());
        }).ToList();
    }

    private static byte[] Zip(List<(string Name, byte[] Bytes)> entries, string comment)
    {
        using var m = new MemoryStream();
        using (var zip = new ZipArchive(m, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(bytes);
            }
            zip.Comment = comment;
        }
        return m.ToArray();
    }
}
