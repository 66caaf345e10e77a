using System.Text.Json.Nodes;
using Vpf.Core.Data;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Persistence;

namespace Vpf.Core.Tests.Hostile;

public class CheckpointIntegrityTests
{
    [Fact]
    public void A_checkpoint_round_trips_its_data_fingerprint_and_counts()
    {
        using var folder = new TempFolder();
        var (bytes, model, checkpoint) = HostileFiles.Checkpoint(folder.Path);
        string path = folder.File("c.vpfckpt");
        File.WriteAllBytes(path, bytes);
        var (read, c, _) = CheckpointFile.Load(path);
        Assert.Equal(checkpoint.Data, c.Data);
        Assert.Equal(60, c.Data!.Rows);
        Assert.Equal(10, c.Data.Dimension);
        Assert.Equal(checkpoint.Optimiser.Step, c.Optimiser.Step);
        Assert.Equal(model.Parameters.Tensors.SelectMany(t => t), read.Parameters.Tensors.SelectMany(t => t));
    }

    [Fact]
    public void One_flipped_bit_in_the_state_entry_is_a_corrupted_checkpoint()
    {
        using var folder = new TempFolder();
        var (bytes, _, _) = HostileFiles.Checkpoint(folder.Path);
        var entries = HostileFiles.Entries(bytes);
        // Rebuild with the original checksum but one bit of the JSON flipped: only the checksum can notice.
        string comment = ReadComment(bytes);
        int i = entries.FindIndex(e => e.Name == "checkpoint.json");
        var json = (byte[])entries[i].Bytes.Clone();
        json[json.Length / 2] ^= 0x04;
        entries[i] = (entries[i].Name, json);
        byte[] tampered = HostileFiles.Archive(entries);
        tampered = ReplaceComment(tampered, comment);
        string path = folder.File("c.vpfckpt");
        File.WriteAllBytes(path, tampered);
        var e = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));
        Assert.Equal(ModelFileProblem.Corrupted, e.Problem);
        Assert.Contains(path, e.Message);
        Assert.Contains("CRC-32C", e.Message);
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { "EpochsCompleted=-5", "EpochsCompleted" },
        { "BatchesCompleted=-1", "BatchesCompleted" },
        { "Moments=0", "Moments" },
        { "Moments=-1", "Moments" },
        { "Moments=1", "Moments" },
        { "OptimiserStep=-3", "OptimiserStep" },
        { "EpochSumK=NaN", "EpochSumK" },
        { "Seconds=-1", "Seconds" },
        { "EpochRows=-1", "EpochRows" },
        { "EpochClamps=-1", "EpochClamps" },
        { "EpochClamps=401", "EpochClamps is 401; at most 400 fields can be clamped in the epoch's 20 rows of 20 units" },
        { "EpochClamps=1e18", "EpochClamps" },
        { "Data.Dimension=11", "Data.Dimension" },
        { "Data.Rows=0", "Data.Rows" },
        { "Data.Hash=xyz", "Data.Hash" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Every_field_is_validated_and_the_error_names_it(string assignment, string field)
    {
        using var folder = new TempFolder();
        var (bytes, _, _) = HostileFiles.Checkpoint(folder.Path);
        string path = folder.File("c.vpfckpt");
        File.WriteAllBytes(path, HostileFiles.WithState(bytes, json => Assign(json, assignment)));
        var e = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));
        Assert.Equal(ModelFileProblem.Invalid, e.Problem);
        Assert.Contains(path, e.Message);
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void As_many_clamps_as_rows_times_units_is_accepted()
    {
        using var folder = new TempFolder();
        var (bytes, _, checkpoint) = HostileFiles.Checkpoint(folder.Path);
        Assert.Equal(20, checkpoint.EpochRows); // one batch of 20 rows into the epoch; the model is 10-6-4
        string path = folder.File("c.vpfckpt");
        File.WriteAllBytes(path, HostileFiles.WithState(bytes, json => json["EpochClamps"] = 400));
        Assert.Equal(400, CheckpointFile.Load(path).Checkpoint.EpochClamps);
    }

    [Fact]
    public void Moments_beyond_int_range_and_unknown_fields_are_invalid_not_a_crash()
    {
        using var folder = new TempFolder();
        var (bytes, _, _) = HostileFiles.Checkpoint(folder.Path);
        string path = folder.File("c.vpfckpt");
        File.WriteAllBytes(path, HostileFiles.WithState(bytes, json => json["Moments"] = 2e9 * 2));
        Assert.Equal(ModelFileProblem.Invalid, Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path)).Problem);
        File.WriteAllBytes(path, HostileFiles.WithState(bytes, json => json["EpochsCompIeted"] = 1));
        var e = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));
        Assert.Contains("EpochsCompIeted", e.Message);
    }

    [Fact]
    public void A_model_entry_that_inflates_far_beyond_its_compressed_size_is_refused_before_it_is_read()
    {
        using var folder = new TempFolder();
        var (bytes, _, _) = HostileFiles.Checkpoint(folder.Path);
        var entries = HostileFiles.Entries(bytes);
        int i = entries.FindIndex(e => e.Name == "model.vpf");
        entries[i] = ("model.vpf", new byte[CheckpointFile.UncheckedModelBytes + 1]); // zeros: deflate shrinks them ~1000×
        string path = folder.File("bomb.vpfckpt");
        File.WriteAllBytes(path, HostileFiles.Archive(entries));
        Assert.True(new FileInfo(path).Length < 1 << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ModelFileProblem.Invalid, e.Problem);
        Assert.Contains("model.vpf", e.Message);
        Assert.True(allocated < 8L << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void A_checkpoint_without_checksum_or_with_a_foreign_entry_is_refused()
    {
        using var folder = new TempFolder();
        var (bytes, _, _) = HostileFiles.Checkpoint(folder.Path);
        string path = folder.File("c.vpfckpt");
        File.WriteAllBytes(path, ReplaceComment(bytes, "hello"));
        var e = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));
        Assert.Equal(ModelFileProblem.Corrupted, e.Problem);
        Assert.Contains("checksum", e.Message);
        File.WriteAllBytes(path, ReplaceComment(bytes, ""));
        e = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));
        Assert.Equal(ModelFileProblem.UnsupportedVersion, e.Problem);
        Assert.Contains("format 1", e.Message);

        var entries = HostileFiles.Entries(bytes);
        entries.Add(("../evil.txt", [1, 2, 3]));
        File.WriteAllBytes(path, HostileFiles.Archive(entries));
        e = Assert.Throws<ModelFileException>(() => CheckpointFile.Load(path));
        Assert.Contains("evil", e.Message);
    }

    private static void Assign(JsonObject json, string assignment)
    {
        var (key, value) = (assignment[..assignment.IndexOf('=')], assignment[(assignment.IndexOf('=') + 1)..]);
        JsonObject target = json;
        if (key.StartsWith("Data.", StringComparison.Ordinal)) { target = json["Data"]!.AsObject(); key = key[5..]; }
        target[key] = value switch
        {
            "NaN" => JsonValue.Create("NaN"),
            _ when double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out double d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }

    private static string ReadComment(byte[] archive)
    {
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(archive));
        return zip.Comment;
    }

    private static byte[] ReplaceComment(byte[] archive, string comment)
    {
        var m = new MemoryStream();
        m.Write(archive);
        using (var zip = new System.IO.Compression.ZipArchive(m, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
            zip.Comment = comment;
        return m.ToArray();
    }
}
