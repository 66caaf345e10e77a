using System.IO.Compression;
using System.Text;
using Vpf.Core.Data;
using Vpf.Core.Persistence;

namespace Vpf.Cli;

/// <summary>
/// Recognises the two kinds of file that hold training work — a model file (magic "VPFM") and a checkpoint (a zip
/// archive whose comment carries the checkpoint checksum, or with a <c>checkpoint.json</c> entry) — by their content,
/// whatever their name, so that no command replaces one with another kind of output by mistake.
/// </summary>
internal static class ProtectedFiles
{
    private static readonly byte[] ModelMagic = "VPFM"u8.ToArray();
    private static readonly byte[] CheckpointComment = Encoding.ASCII.GetBytes("vpf-checkpoint crc32c=");

    /// <summary>The protected kind of the regular file at <paramref name="path"/>, or null (missing, unreadable or anything else).</summary>
    public static OutputKind? KindOf(string path)
    {
        if (FileIdentity.KindOf(path) != FileKind.Regular) return null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var head = new byte[4];
            int got = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (got == 4 && head.AsSpan().SequenceEqual(ModelMagic)) return OutputKind.Model;
            if (got < 4 || head[0] != (byte)'P' || head[1] != (byte)'K') return null;
            // The checksum comment (8 hex digits) ends the archive; older checkpoints are recognised by their entry.
            if (file.Length >= CheckpointComment.Length + 8)
            {
                var tail = new byte[CheckpointComment.Length + 8];
                file.Seek(-tail.Length, SeekOrigin.End);
                file.ReadExactly(tail);
                if (tail.AsSpan(0, CheckpointComment.Length).SequenceEqual(CheckpointComment)) return OutputKind.Checkpoint;
            }
            file.Seek(0, SeekOrigin.Begin);
            using var zip = new ZipArchive(file, ZipArchiveMode.Read);
            return zip.GetEntry("checkpoint.json") is null ? null : OutputKind.Checkpoint;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>"a vpf model file" or "a vpf training checkpoint".</summary>
    public static string Describe(OutputKind kind) => kind == OutputKind.Model ? "a vpf model file" : "a vpf training checkpoint";
}
