using Vpf.Core.Data;
using Vpf.Core.Model;

namespace Vpf.Core.Persistence;

/// <summary>
/// Saves and loads a <see cref="DeepBoltzmannMachine"/> with its provenance (<see cref="ModelFileInfo"/>) in a
/// versioned binary format with a CRC-32C checksum (layout in <c>ModelFileWriter.cs</c>). Saving to a path writes
/// a temporary file in the same folder, flushes it to disk and renames it over the target, so a crash or error never
/// leaves a half-written model and never damages the file that was there. Loading reports every bad file as a
/// <see cref="ModelFileException"/> whose <see cref="ModelFileException.Problem"/> says what is wrong.
/// </summary>
public static class ModelFile
{
    /// <summary>The usual extension of model files.</summary>
    public const string Extension = ".vpf";

    /// <summary>
    /// The newest format version this library writes, "major.minor.patch"; it reads the same major and any minor up to this
    /// one. A model is written in the oldest version that holds it: 1.0.0 for binary visible units, 1.1.0 for Gaussian visible
    /// units, 1.2.0 when its info carries a <see cref="ModelFileInfo.Standardisation"/>.
    /// </summary>
    public static string FormatVersion => ModelFileFormat.Version;

    /// <summary>Saves <paramref name="model"/> and <paramref name="info"/> (default: an info holding only the creation time) to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="ArgumentException">A parameter is NaN or infinite, a lateral matrix is not symmetric with a zero diagonal, a tensor has the wrong length, or the info's standardisation does not fit the visible layer; nothing is written.</exception>
    /// <exception cref="IOException">The folder cannot be written; an existing file at <paramref name="path"/> is untouched.</exception>
    public static void Save(string path, DeepBoltzmannMachine model, ModelFileInfo? info = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stamped = info ?? new ModelFileInfo();
        ModelFileWriter.Validate(model, nameof(model), stamped);
        AtomicFile.Write(path, stream => ModelFileWriter.Write(stream, model, stamped));
    }

    /// <summary>Writes <paramref name="model"/> and <paramref name="info"/> to <paramref name="stream"/> at its current position (not atomic: the caller owns the stream).</summary>
    /// <exception cref="ArgumentException">The model cannot be stored (see <see cref="Save(string, DeepBoltzmannMachine, ModelFileInfo?)"/>); nothing is written.</exception>
    public static void Save(Stream stream, DeepBoltzmannMachine model, ModelFileInfo? info = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var stamped = info ?? new ModelFileInfo();
        ModelFileWriter.Validate(model, nameof(model), stamped);
        ModelFileWriter.Write(stream, model, stamped);
        stream.Flush();
    }

    /// <summary>Loads the model saved at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, not a model file, of an unsupported version, truncated, corrupted or invalid.</exception>
    public static DeepBoltzmannMachine Load(string path) => LoadWithInfo(path).Model;

    /// <summary>Loads the model saved at <paramref name="path"/> and its provenance.</summary>
    /// <exception cref="ModelFileException">The file is missing, unreadable, not a model file, of an unsupported version, truncated, corrupted or invalid.</exception>
    public static (DeepBoltzmannMachine Model, ModelFileInfo Info) LoadWithInfo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        switch (FileIdentity.KindOf(path))
        {
            case FileKind.Directory: throw ModelFileException.For(path, ModelFileProblem.Unreadable, $"'{path}' is a directory, not a model file.");
            case FileKind.Special: throw ModelFileException.For(path, ModelFileProblem.Unreadable, $"'{path}' is not a regular file (a device, FIFO or socket).");
        }
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw ModelFileException.For(path, ModelFileProblem.Missing, $"expected a model file at '{path}' but there is none.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw ModelFileException.For(path, ModelFileProblem.Unreadable, e.Message, e);
        }
        return ModelFileReader.Read(path, bytes);
    }

    /// <summary>Loads a model from the rest of <paramref name="stream"/>; <paramref name="name"/> names it in error messages.</summary>
    /// <exception cref="ModelFileException">The content is not a valid model file, or the stream fails.</exception>
    public static DeepBoltzmannMachine Load(Stream stream, string name = "<stream>") => LoadWithInfo(stream, name).Model;

    /// <summary>Loads a model and its provenance from the rest of <paramref name="stream"/>; <paramref name="name"/> names it in error messages.</summary>
    /// <exception cref="ModelFileException">The content is not a valid model file, or the stream fails.</exception>
    public static (DeepBoltzmannMachine Model, ModelFileInfo Info) LoadWithInfo(Stream stream, string name = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        byte[] bytes;
        try
        {
            using var copy = stream.CanSeek ? new MemoryStream(checked((int)Math.Max(0, stream.Length - stream.Position))) : new MemoryStream();
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException or OverflowException)
        {
            throw ModelFileException.For(name, ModelFileProblem.Unreadable, e.Message, e);
        }
        return ModelFileReader.Read(name, bytes);
    }
}
