using Vpf.Core.Data;
using System.Buffers.Binary;
using Vpf.Core.Model;
using Vpf.Core.Persistence;

namespace Vpf.Core.Tests.Persistence;

/// <summary>A fresh temporary folder per test, deleted afterwards, plus helpers to inspect and damage model files.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vpf-persist-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Names of every file in the folder, hidden temporary files included.</summary>
    public string[] Names() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>The file layout, computed here from the documented format, independently of the writer.</summary>
internal static class Layout
{
    public const int VersionOffset = 4;
    public const int LengthOffset = 12;
    public const int LayerCountOffset = 20;

    public const int SizesOffset = LayerCountOffset + 4;

    /// <summary>Tensor names and element counts in file order: W_0…, b_0…, L_l….</summary>
    public static List<(string Name, int Count)> Tensors(Architecture a)
    {
        var n = a.LayerSizes;
        var list = new List<(string, int)>();
        for (int l = 0; l + 1 < n.Count; l++) list.Add(($"W{l}", n[l] * n[l + 1]));
        for (int l = 0; l < n.Count; l++) list.Add(($"b{l}", n[l]));
        for (int l = 0; l < n.Count; l++) if (a.HasLateral[l]) list.Add(($"L{l}", n[l] * n[l]));
        return list;
    }

    /// <summary>Offset of the first float of tensor <paramref name="name"/>.</summary>
    public static int DataOffset(Architecture a, string name)
    {
        int offset = SizesOffset + 5 * a.LayerCount + 4;
        foreach (var (tensor, count) in Tensors(a))
        {
            offset += 1 + tensor.Length + 8;
            if (tensor == name) return offset;
            offset += 4 * count;
        }
        throw new ArgumentException($"No tensor {name} in {a}.");
    }

    /// <summary>Offset of the info length field (right after the last tensor).</summary>
    public static int InfoOffset(Architecture a)
    {
        var last = Tensors(a)[^1];
        return DataOffset(a, last.Name) + 4 * last.Count;
    }

    /// <summary>Recomputes the trailing CRC-32C so that only a deliberate edit is wrong with the file.</summary>
    public static void FixChecksum(byte[] file) =>
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), Crc32C.Compute(file.AsSpan(0, file.Length - 4)));
}
