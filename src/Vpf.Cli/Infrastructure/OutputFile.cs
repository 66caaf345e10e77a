using System.Text;
using Vpf.Core.Persistence;

namespace Vpf.Cli;

/// <summary>
/// The one writer of every file the <c>vpf</c> command produces (model, checkpoint, npz, onnx, png, html, json):
/// creates the folder, then writes through <see cref="AtomicFile"/> — a temporary file next to the target, flushed to
/// disk, renamed over a regular file only — so a kill, a full disk or an I/O error leaves the old file as it was.
/// A failure is a <see cref="FileWriteException"/> naming the output (exit code <see cref="ExitCodes.OutputFile"/>).
/// The command's <c>inputs</c> are never removed by the clean-up of stale temporary files.
/// </summary>
internal static class OutputFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, IEnumerable<string> inputs, Action<Stream> write)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        try
        {
            if (folder is not null) Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileWriteException(path, $"Cannot write '{path}': its folder cannot be created ({e.Message}). Nothing was written.", e);
        }
        AtomicFile.Write(path, stream => FaultInjection.Write(stream, write), inputs);
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, atomically.</summary>
    public static void WriteBytes(string path, IEnumerable<string> inputs, byte[] bytes) => Write(path, inputs, s => s.Write(bytes));

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark to <paramref name="path"/>, atomically.</summary>
    public static void WriteText(string path, IEnumerable<string> inputs, string text) => WriteBytes(path, inputs, new UTF8Encoding(false).GetBytes(text));
}
