using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using Vpf.Core.Data;
using Vpf.Onnx;

namespace Vpf.ML;

/// <summary>
/// Loading a saved ML.NET pipeline with its integrity checked first. <c>mlContext.Model.Load</c> reads the zip without
/// checking its entries' CRC-32, so a flipped bit inside the compressed ONNX graph usually loads and gives other
/// features; and its errors do not name the file.
/// </summary>
public static class VpfModelOperations
{
    /// <summary>
    /// Loads the pipeline saved in <paramref name="filePath"/> (by <c>mlContext.Model.Save</c>) after checking every zip
    /// entry against its CRC-32 and length, and every ONNX graph written by this library against the SHA-256 it carries.
    /// Any failure, including ML.NET's own while loading, names the file.
    /// </summary>
    /// <param name="catalog"><c>mlContext.Model</c>.</param>
    /// <param name="filePath">The saved pipeline (a zip).</param>
    /// <param name="inputSchema">The input schema saved with the pipeline.</param>
    /// <exception cref="InvalidDataException">The file is damaged, or ML.NET cannot load it.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ITransformer LoadChecked(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(filePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Pipeline file '{filePath}' cannot be read: {e.Message}", e);
        }
        if (Problem(bytes) is { } problem)
            throw new InvalidDataException($"Pipeline file '{filePath}' is damaged: {problem}.");
        try
        {
            // The bytes checked are the bytes loaded: the file is not read a second time.
            return catalog.Load(new MemoryStream(bytes, writable: false), out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"Pipeline file '{filePath}' cannot be loaded by ML.NET: {e.Message}", e);
        }
    }

    /// <summary>What is wrong with the zip <paramref name="bytes"/>, or null when every entry is intact.</summary>
    private static string? Problem(byte[] bytes)
    {
        try
        {
            using var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            foreach (var entry in archive.Entries)
            {
                using var content = new MemoryStream();
                using (var stream = entry.Open())
                    stream.CopyTo(content);
                byte[] data = content.ToArray();
                var crc = new Crc32Ieee();
                crc.Append(data);
                if (data.Length != entry.Length)
                    return $"entry '{entry.FullName}' holds {data.Length} bytes but the zip records {entry.Length}";
                if (crc.Value != entry.Crc32)
                    return $"entry '{entry.FullName}' has CRC-32 0x{crc.Value:X8} but the zip records 0x{entry.Crc32:X8}";
                if (entry.Name == "OnnxModel" && OnnxIntegrity.Problem(OnnxBytes(data)) is { } onnx)
                    return $"entry '{entry.FullName}': {onnx}";
            }
            return null;
        }
        catch (InvalidDataException e)
        {
            return $"not a readable zip archive ({e.Message})";
        }
    }

    /// <summary>The ONNX model in ML.NET's "OnnxModel" stream: a byte array after its 4- or 8-byte length prefix.</summary>
    private static ReadOnlySpan<byte> OnnxBytes(byte[] data)
    {
        if (data.Length >= 4 && BinaryPrimitives.ReadInt32LittleEndian(data) == data.Length - 4) return data.AsSpan(4);
        if (data.Length >= 8 && BinaryPrimitives.ReadInt64LittleEndian(data) == data.Length - 8) return data.AsSpan(8);
        return data;
    }
}
