using System.Buffers.Binary;
using Vpf.Core.Data;
using Vpf.Core.Model;
using Vpf.Core.Persistence;
using Vpf.Core.Tests.Data;
using Vpf.Core.Tests.Persistence;
using Vpf.Core.Tests.Support;

namespace Vpf.Core.Tests.Hostile;

/// <summary>
/// Seeded random mutants of valid IDX files, model files and checkpoints (truncated, bytes flipped, declared sizes
/// inflated). Each must give the file family's typed error (or, where the format has no checksum or ignores the
/// byte, the same content as the original), write nothing, and allocate no more than a bound proportional to the
/// file's size. The seed is printed in every failure, so a failing mutant is reproduced by its number.
/// </summary>
public class MutationFuzzTests
{
    private const int Seed = 20261129;

    private enum Mutation { Truncate, Flip, Inflate }

    [Fact]
    public void Idx_file_mutants_fail_typed_write_nothing_and_allocate_a_bounded_amount()
    {
        using var folder = new TempFolder();
        byte[] raw = IdxTestFiles.ImageFile(30, 6, 6, IdxTestFiles.Bytes(30 * 36, seed: 1));
        byte[] labels = IdxTestFiles.LabelFile(IdxTestFiles.Bytes(30, seed: 2));
        var bases = new (string Name, byte[] Bytes, bool Images)[]
        {
            ("images", raw, true), ("images.gz", IdxTestFiles.Gzip(raw), true), ("labels", labels, false), ("labels.gz", IdxTestFiles.Gzip(labels), false),
        };
        var rng = new Random(Seed);
        int failures = 0;
        for (int n = 0; n < 240; n++)
        {
            var (name, original, images) = bases[n % bases.Length];
            var (mutant, how) = Mutate(original, rng, inflateAt: name.EndsWith(".gz", StringComparison.Ordinal) ? [] : images ? [4, 8, 12] : [4]);
            string path = folder.File($"{n}-{name}");
            File.WriteAllBytes(path, mutant);
            var before = HostileFiles.Snapshot(folder.Path);
            long allocated = Allocated(() =>
            {
                try
                {
                    if (images) IdxReader.ReadImages(path); else IdxReader.ReadLabels(path);
                }
                catch (DataFileException e)
                {
                    Assert.Contains($"{n}-{name}", e.Message);
                    failures++;
                }
            }, $"IDX mutant {n} ({how} of {name})");
            Assert.Equal(before, HostileFiles.Snapshot(folder.Path));
            Assert.True(allocated <= 8L * mutant.Length + (5 << 20), $"IDX mutant {n} ({how} of {name}) allocated {allocated} bytes");
            File.Delete(path);
        }
        Assert.True(failures > 120, $"only {failures} of 240 mutants were refused: the mutations are too gentle to test anything");
    }

    [Fact]
    public void Model_file_mutants_always_fail_typed_write_nothing_and_allocate_a_bounded_amount()
    {
        using var folder = new TempFolder();
        string seedPath = folder.File("seed.vpf");
        ModelFile.Save(seedPath, TinyModels.Random(Architecture.Dbm(6, 4, 3).WithLateral(1), seed: 3),
            new ModelFileInfo { TrainingMethod = "vpf", Notes = new Dictionary<string, string> { ["k"] = "v" } });
        byte[] original = File.ReadAllBytes(seedPath);
        File.Delete(seedPath);
        var rng = new Random(Seed + 1);
        // Declared sizes: file length, layer count, the three layer sizes, W0's element count.
        int[] sizeFields = [Layout.LengthOffset, Layout.LayerCountOffset, Layout.SizesOffset, Layout.SizesOffset + 4, Layout.SizesOffset + 8];
        for (int n = 0; n < 240; n++)
        {
            var (mutant, how) = Mutate(original, rng, sizeFields);
            string path = folder.File($"{n}.vpf");
            File.WriteAllBytes(path, mutant);
            var before = HostileFiles.Snapshot(folder.Path);
            long allocated = Allocated(() =>
            {
                var e = Assert.Throws<ModelFileException>(() => ModelFile.Load(path));
                Assert.Contains($"{n}.vpf", e.Message);
            }, $"model mutant {n} ({how})");
            Assert.Equal(before, HostileFiles.Snapshot(folder.Path));
            Assert.True(allocated <= 4L * mutant.Length + (256 << 10), $"model mutant {n} ({how}) allocated {allocated} bytes");
            File.Delete(path);
        }
    }

    [Fact]
    public void Checkpoint_mutants_fail_typed_or_read_back_unchanged_write_nothing_and_allocate_a_bounded_amount()
    {
        using var folder = new TempFolder();
        var (original, model, checkpoint) = HostileFiles.Checkpoint(folder.Path);
        var rng = new Random(Seed + 2);
        int[] sizeFields = ZipSizeFields(original);
        Assert.NotEmpty(sizeFields);
        int refused = 0;
        for (int n = 0; n < 200; n++)
        {
            var (mutant, how) = Mutate(original, rng, sizeFields);
            string path = folder.File($"{n}.vpfckpt");
            File.WriteAllBytes(path, mutant);
            var before = HostileFiles.Snapshot(folder.Path);
            long allocated = Allocated(() =>
            {
                try
                {
                    var (m, c, _) = CheckpointFile.Load(path);
                    // Zip fields that the reader ignores (times, local-header copies) may change harmlessly; content may not.
                    Assert.Equal(model.Parameters.Tensors.SelectMany(t => t), m.Parameters.Tensors.SelectMany(t => t));
                    Assert.Equal((checkpoint.EpochsCompleted, checkpoint.BatchesCompleted, checkpoint.EpochObjectiveSum, checkpoint.Optimiser.Step, checkpoint.Data),
                        (c.EpochsCompleted, c.BatchesCompleted, c.EpochObjectiveSum, c.Optimiser.Step, c.Data));
                }
                catch (ModelFileException e)
                {
                    Assert.Contains($"{n}.vpfckpt", e.Message);
                    refused++;
                }
            }, $"checkpoint mutant {n} ({how})");
            Assert.Equal(before, HostileFiles.Snapshot(folder.Path));
            Assert.True(allocated <= 64L * mutant.Length + (8 << 20), $"checkpoint mutant {n} ({how}) allocated {allocated} bytes");
            File.Delete(path);
        }
        Assert.True(refused > 100, $"only {refused} of 200 mutants were refused");
    }

    /// <summary>Runs <paramref name="read"/>, failing with <paramref name="what"/> on any exception other than the typed ones it handles; returns bytes allocated.</summary>
    private static long Allocated(Action read, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            read();
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{what}: untyped {e.GetType().Name}: {e.Message}");
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static (byte[] Mutant, string How) Mutate(byte[] original, Random rng, int[] inflateAt)
    {
        var kind = (Mutation)rng.Next(inflateAt.Length == 0 ? 2 : 3);
        byte[] m = (byte[])original.Clone();
        switch (kind)
        {
            case Mutation.Truncate:
                int length = rng.Next(original.Length);
                return (m[..length], $"truncated to {length} bytes");
            case Mutation.Flip:
                int flips = 1 + rng.Next(4);
                var at = new List<int>();
                for (int i = 0; i < flips; i++) { int p = rng.Next(m.Length); m[p] ^= (byte)(1 << rng.Next(8)); at.Add(p); }
                return (m, $"bits flipped at {string.Join(",", at)}");
            default:
                int field = inflateAt[rng.Next(inflateAt.Length)];
                uint value = rng.Next(3) switch { 0 => uint.MaxValue, 1 => int.MaxValue, _ => (uint)rng.Next(1 << 16, 1 << 30) };
                bool bigEndian = original.Length > 1 && original[0] == 0 && original[1] == 0; // IDX headers are big-endian
                if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(field), value);
                else BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(field), value);
                return (m, $"size at {field} set to {value}");
        }
    }

    /// <summary>Offsets of the uncompressed-size fields of every local and central zip header.</summary>
    private static int[] ZipSizeFields(byte[] zip)
    {
        var fields = new List<int>();
        for (int i = 0; i + 30 < zip.Length; i++)
        {
            uint signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (signature == 0x04034b50) fields.Add(i + 22);      // local file header
            else if (signature == 0x02014b50) fields.Add(i + 24); // central directory header
        }
        return [.. fields];
    }
}
