using System.Diagnostics;
using System.Globalization;

namespace Vpf.Cli;

/// <summary>
/// Lets the test suite kill the command at an exact point of a write, which a kill from outside hits only by chance:
/// with the environment variable <c>VPF_FAULT_KILL_AFTER_BYTES=N</c> the process sends itself SIGKILL after the N-th
/// byte of an output reaches its temporary file (N at or beyond the output's size: once the content is complete,
/// before it is flushed and renamed). Unset, writes pass straight through.
/// </summary>
internal static class FaultInjection
{
    /// <summary>The environment variable read once at start-up.</summary>
    public const string KillAfterBytesVariable = "VPF_FAULT_KILL_AFTER_BYTES";

    private static readonly long? KillAfter =
        long.TryParse(Environment.GetEnvironmentVariable(KillAfterBytesVariable), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : null;

    /// <summary>Runs <paramref name="write"/> on <paramref name="stream"/>, or on a stream that dies at the chosen byte.</summary>
    public static void Write(Stream stream, Action<Stream> write)
    {
        if (KillAfter is not { } limit)
        {
            write(stream);
            return;
        }
        write(new KillingStream(stream, limit));
        Die(stream);
    }

    private static void Die(Stream stream)
    {
        stream.Flush(); // what was written is in the temporary file, as after a kill from outside mid-write
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>Passes bytes through until the limit, then kills the process.</summary>
    private sealed class KillingStream(Stream inner, long limit) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => true;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long room = limit - _written;
            if (buffer.Length < room)
            {
                inner.Write(buffer);
                _written += buffer.Length;
                return;
            }
            inner.Write(buffer[..(int)Math.Max(0, room)]);
            Die(inner);
        }

        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);
    }
}
