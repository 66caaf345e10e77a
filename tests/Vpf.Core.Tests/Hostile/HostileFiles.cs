using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Support;
using Vpf.Core.Training;
using Vpf.Core.Training.Optimisers;

namespace Vpf.Core.Tests.Hostile;

/// <summary>Builders of valid files to damage, and the checks every hostile-input test repeats.</summary>
internal static class HostileFiles
{
    /// <summary>A checkpoint of a short interrupted Adam run on a 10-6L-4 DBM, with its data fingerprint.</summary>
    public static (byte[] Bytes, DeepBoltzmannMachine Model, TrainingCheckpoint Checkpoint) Checkpoint(string folder)
    {
        var data = SyntheticData.Prototypes(60, 10, prototypes: 3, noise: 0.1, seed: 1);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 20, Seed = 3, Optimiser = new OptimiserOptions { LearningRate = 0.01f } };
        var model = DeepBoltzmannMachine.CreateRandom(Architecture.Dbm(10, 6, 4).WithLateral(1), seed: 2);
        using var cts = new CancellationTokenSource();
        int seen = 0;
        var e = Assert.Throws<TrainingCanceledException>(() => new MiniBatchTrainer(new VariationalProbabilityFlow(), options)
            .Train(model, data, _ => { if (++seen == 4) cts.Cancel(); }, cts.Token));
        var checkpoint = e.Checkpoint with { Data = DataFingerprint.Of(data) };
        string path = Path.Combine(folder, "seed.vpfckpt");
        CheckpointFile.Save(path, model, checkpoint, ModelFileInfo.ForTraining("vpf", options, new VpfOptions()));
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return (bytes, model, checkpoint);
    }

    /// <summary>The entries of a checkpoint archive, by name, in order.</summary>
    public static List<(string Name, byte[] Bytes)> Entries(byte[] checkpoint)
    {
        using var zip = new ZipArchive(new MemoryStream(checkpoint), ZipArchiveMode.Read);
        return zip.Entries.Select(e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return (e.FullName, m.ToArray());
        }).ToList();
    }

    /// <summary>The checkpoint with <c>checkpoint.json</c> edited by <paramref name="edit"/> and a correct checksum: only field validation can catch it.</summary>
    public static byte[] WithState(byte[] checkpoint, Action<JsonObject> edit)
    {
        var entries = Entries(checkpoint);
        int i = entries.FindIndex(e => e.Name == "checkpoint.json");
        var json = JsonNode.Parse(entries[i].Bytes)!.AsObject();
        edit(json);
        entries[i] = ("checkpoint.json", System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));
        return Archive(entries);
    }

    /// <summary>A checksummed archive of <paramref name="entries"/>, as the writer makes it.</summary>
    public static byte[] Archive(List<(string Name, byte[] Bytes)> entries)
    {
        using var m = new MemoryStream();
        CheckpointArchive.Write(m, entries);
        return m.ToArray();
    }

    /// <summary>SHA-256 of every file under <paramref name="folder"/>, by relative path.</summary>
    public static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => FileIdentity.KindOf(f) == FileKind.Regular)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>Makes a FIFO at <paramref name="path"/> (Linux); false where mkfifo is not available.</summary>
    public static bool MakeFifo(string path)
    {
        if (!OperatingSystem.IsLinux()) return false;
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }
}
