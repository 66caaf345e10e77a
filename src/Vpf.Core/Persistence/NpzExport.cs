using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Vpf.Core.Model;

namespace Vpf.Core.Persistence;

/// <summary>
/// Exports a model's parameters as a NumPy <c>.npz</c> archive, readable by <c>numpy.load</c>: one <c>.npy</c> per
/// tensor, named <c>W0.npy, W1.npy, …, b0.npy, b1.npy, …</c> and <c>L{l}.npy</c> for each layer l with lateral
/// weights; float32 little-endian (<c>'&lt;f4'</c>), C order, shapes (n_l, n_{l+1}) for W_l, (n_l,) for b_l and
/// (n_l, n_l) for L_l. Each <c>.npy</c> uses format version 1.0 with its header padded to a multiple of 64 bytes.
/// </summary>
public static class NpzExport
{
    private const int ChunkFloats = 1 << 14;

    /// <summary>The magic string that starts every <c>.npy</c> file: "\x93NUMPY".</summary>
    internal static ReadOnlySpan<byte> NpyMagic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>
    /// Writes the <c>.npz</c> archive to <paramref name="path"/> atomically (temporary file, flush, rename); entries are
    /// stored uncompressed like <c>numpy.savez</c>, or deflated like <c>numpy.savez_compressed</c> when
    /// <paramref name="compress"/> is true.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be written; an existing file at <paramref name="path"/> is untouched.</exception>
    public static void Write(string path, DeepBoltzmannMachine model, bool compress = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        AtomicFile.Write(path, stream => Write(stream, model, compress));
    }

    /// <summary>Writes the <c>.npz</c> archive to <paramref name="stream"/> (left open).</summary>
    public static void Write(Stream stream, DeepBoltzmannMachine model, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        var level = compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
        // A fixed time stamp keeps the archive a function of the model alone.
        var stamp = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        for (int l = 0; l + 1 < model.LayerCount; l++)
            AddArray(zip, $"W{l}", model.Weights(l), [model.LayerSize(l), model.LayerSize(l + 1)], level, stamp);
        for (int l = 0; l < model.LayerCount; l++)
            AddArray(zip, $"b{l}", model.Biases(l), [model.LayerSize(l)], level, stamp);
        for (int l = 0; l < model.LayerCount; l++)
            if (model.Lateral(l) is { } lateral)
                AddArray(zip, $"L{l}", lateral, [model.LayerSize(l), model.LayerSize(l)], level, stamp);
    }

    /// <summary>
    /// The NPY 1.0 header for a C-order float32 array of <paramref name="shape"/>: magic, version 1.0, a uint16
    /// header length, then the dict padded with spaces and ended by '\n' so the whole header is a multiple of 64 bytes.
    /// </summary>
    internal static byte[] NpyHeader(IReadOnlyList<int> shape)
    {
        string shapeText = shape.Count == 1
            ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)"
            : "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        int prefix = NpyMagic.Length + 2 + 2;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string text = dict.PadRight(total - prefix - 1) + "\n";
        var header = new byte[total];
        NpyMagic.CopyTo(header);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        Encoding.ASCII.GetBytes(text, header.AsSpan(prefix));
        return header;
    }

    private static void AddArray(ZipArchive zip, string name, float[] values, int[] shape, CompressionLevel level, DateTimeOffset stamp)
    {
        var entry = zip.CreateEntry(name + ".npy", level);
        entry.LastWriteTime = stamp;
        using var output = entry.Open();
        output.Write(NpyHeader(shape));
        if (BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }
        var buffer = new byte[4 * ChunkFloats];
        for (int start = 0; start < values.Length; start += ChunkFloats)
        {
            int count = Math.Min(ChunkFloats, values.Length - start);
            for (int k = 0; k < count; k++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * k), values[start + k]);
            output.Write(buffer, 0, 4 * count);
        }
    }
}
