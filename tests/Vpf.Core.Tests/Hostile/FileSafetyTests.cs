using Vpf.Core.Data;
using System.Diagnostics;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Persistence;

namespace Vpf.Core.Tests.Hostile;

public class FileSafetyTests
{
    private static readonly DeepBoltzmannMachine Model = DeepBoltzmannMachine.CreateRandom(Architecture.Rbm(6, 3), seed: 1);

    [Fact]
    public void An_atomic_write_refuses_to_replace_a_directory_and_leaves_it_as_it_was()
    {
        using var folder = new TempFolder();
        string dir = folder.File("out.vpf");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "keep.txt"), "x");
        var e = Assert.Throws<FileWriteException>(() => ModelFile.Save(dir, Model));
        Assert.Contains("directory", e.Message);
        Assert.Equal("x", File.ReadAllText(Path.Combine(dir, "keep.txt")));
        Assert.Equal(["out.vpf"], Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void An_atomic_write_refuses_to_replace_a_fifo()
    {
        using var folder = new TempFolder();
        string fifo = folder.File("pipe.vpf");
        if (!HostileFiles.MakeFifo(fifo)) return; // mkfifo exists on every Linux this project supports
        Assert.Equal(FileKind.Special, FileIdentity.KindOf(fifo));
        var e = Assert.Throws<FileWriteException>(() => ModelFile.Save(fifo, Model));
        Assert.Contains("not a regular file", e.Message);
        Assert.Equal(FileKind.Special, FileIdentity.KindOf(fifo));
        Assert.Equal(["pipe.vpf"], folder.Names());
    }

    [Fact]
    public void Reading_a_fifo_or_directory_as_a_model_or_data_file_fails_at_once_naming_it()
    {
        using var folder = new TempFolder();
        string fifo = folder.File("pipe.vpf");
        if (!HostileFiles.MakeFifo(fifo)) return;
        Assert.Equal(ModelFileProblem.Unreadable, Assert.Throws<ModelFileException>(() => ModelFile.Load(fifo)).Problem);
        Assert.Equal(ModelFileProblem.Unreadable, Assert.Throws<ModelFileException>(() => CheckpointFile.Load(fifo)).Problem);
        var d = Assert.Throws<Core.Data.DataFileException>(() => Core.Data.IdxReader.ReadImages(fifo));
        Assert.Equal(Core.Data.DataFileProblem.Unreadable, d.Problem);
        Assert.Contains("pipe.vpf", d.Message);
    }

    [Fact]
    public void Stale_temporary_files_of_our_pattern_are_removed_on_the_next_write_and_nothing_else()
    {
        using var folder = new TempFolder();
        string target = folder.File("m.vpf");
        string stale = folder.File($".m.vpf.{Guid.NewGuid():N}.tmp");
        string fresh = folder.File($".m.vpf.{Guid.NewGuid():N}.tmp");
        string held = folder.File($".m.vpf.{Guid.NewGuid():N}.tmp");
        string foreign = folder.File(".m.vpf.notours.tmp");
        string other = folder.File($".n.vpf.{Guid.NewGuid():N}.tmp");
        foreach (string f in new[] { stale, fresh, held, foreign, other }) File.WriteAllBytes(f, new byte[1000]);
        var old = DateTime.UtcNow - TimeSpan.FromHours(1);
        foreach (string f in new[] { stale, held, foreign, other }) File.SetLastWriteTimeUtc(f, old);
        using (new FileStream(held, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            ModelFile.Save(target, Model);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));   // may belong to a writer that is still running
        Assert.True(File.Exists(held));    // its writer holds it open
        Assert.True(File.Exists(foreign)); // not our naming pattern
        Assert.True(File.Exists(other));   // another target's
        Assert.True(File.Exists(target));
    }

    [Fact]
    public void Same_file_is_recognised_through_symbolic_and_hard_links()
    {
        using var folder = new TempFolder();
        string a = folder.File("a.bin"), b = folder.File("b.bin");
        File.WriteAllText(a, "a");
        File.WriteAllText(b, "b");
        string link = folder.File("link.bin");
        File.CreateSymbolicLink(link, a);
        Assert.True(FileIdentity.SameFile(a, link));
        Assert.True(FileIdentity.SameFile(a, Path.Combine(folder.Path, ".", "a.bin")));
        Assert.False(FileIdentity.SameFile(a, b));
        if (!OperatingSystem.IsLinux()) return;
        string hard = folder.File("hard.bin");
        using var ln = Process.Start("ln", [a, hard]);
        ln.WaitForExit();
        Assert.True(FileIdentity.SameFile(a, hard));
        Assert.False(FileIdentity.SameFile(b, hard));
    }

    [Fact]
    public void A_model_header_declaring_a_huge_architecture_fails_before_allocating_it()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.vpf");
        ModelFile.Save(path, Model);
        byte[] bytes = File.ReadAllBytes(path);
        // Layer sizes 6 → 100,000 and 3 → 1,000: 10^8 parameters, 400 MB, declared in a file of a few hundred bytes.
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(Layout.SizesOffset), 100_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(Layout.SizesOffset + 4), 1_000);
        Array.Resize(ref bytes, 73);
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ModelFileProblem.Truncated, e.Problem);
        Assert.Contains("W0 (100000×1000 float32)", e.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Layer_sizes_whose_products_overflow_or_exceed_the_limit_are_refused_with_checked_arithmetic()
    {
        Assert.Null(Architecture.CountParameters([int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue], [true, true, true, true]));
        Assert.Equal(784L * 5478275 + 784 + 5478275, Architecture.CountParameters([784, 5478275], [false, false]));
        var e = Assert.Throws<InvalidOptionsException>(() => Architecture.Dbm(784, 5478275));
        Assert.Contains("268,435,456", e.Message);
        Assert.Throws<InvalidOptionsException>(() => Architecture.Dbm(784, 3_000_000));
        Assert.Equal(Architecture.MaxParameters - 1, Architecture.Dbm(1, (int)(Architecture.MaxParameters / 2) - 1).ParameterCount);
        Assert.Throws<InvalidOptionsException>(() => Architecture.Dbm(1, (int)(Architecture.MaxParameters / 2)));
    }
}
