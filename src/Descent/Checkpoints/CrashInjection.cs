using System.Diagnostics;
using System.Globalization;

namespace Descent.Checkpoints;

/// <summary>
/// Test-only crash injection for <see cref="AtomicFile"/> (internal; never set in production). When the environment
/// variable <see cref="Variable"/> is <c>N</c>, <c>N:K</c> or <c>N:K:NAME</c>, the process's N-th atomic write
/// (1-based; counting only writes to files named NAME when given) writes the first K bytes (default 4096) of its content to the temporary file, flushes them to disk and then kills
/// its own process with SIGKILL, exactly like <c>kill -9</c> arriving in the middle of a checkpoint write. Tests
/// use it to prove that such a crash leaves the previous file intact and that a resumed run is unaffected.
/// </summary>
internal static class CrashInjection
{
    /// <summary>The environment variable that arms the crash.</summary>
    internal const string Variable = "DESCENT_TEST_CRASH_IN_WRITE";

    private const long DefaultBytes = 4096;

    private static int writes;

    /// <summary>Counts an atomic write to <paramref name="path"/> and returns the number of bytes after which it
    /// must crash, or -1.</summary>
    internal static long NextWriteLimit(string path)
    {
        var spec = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(spec))
        {
            return -1;
        }

        var parts = spec.Split(':', 3);
        var bytes = DefaultBytes;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var which) ||
            (parts.Length >= 2 && !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out bytes)))
        {
            throw new InvalidOperationException($"{Variable}='{spec}': expected N, N:BYTES or N:BYTES:NAME (crash during the N-th atomic write)");
        }

        if (parts.Length == 3 && !string.Equals(Path.GetFileName(path), parts[2], StringComparison.Ordinal))
        {
            return -1;
        }

        return Interlocked.Increment(ref writes) == which ? bytes : -1;
    }

    /// <summary>Kills the current process at once: no finally blocks, no flushing, no exit handlers.</summary>
    internal static void Crash()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
            Thread.Sleep(Timeout.Infinite);
        }
        finally
        {
            Environment.FailFast($"{Variable}: injected crash during an atomic write");
        }
    }

    /// <summary>Wraps <paramref name="inner"/> so that the write crossing <paramref name="limit"/> bytes writes up to
    /// the limit, flushes to disk and crashes.</summary>
    internal static Stream Wrap(FileStream inner, long limit) => new CrashingStream(inner, limit);

    private sealed class CrashingStream(FileStream inner, long limit) : Stream
    {
        private long written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => written;

        public override long Position
        {
            get => written;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void WriteByte(byte value) => Write([value]);

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (written + buffer.Length <= limit)
            {
                inner.Write(buffer);
                written += buffer.Length;
                return;
            }

            inner.Write(buffer[..(int)(limit - written)]);
            inner.Flush(flushToDisk: true);
            Crash();
        }
    }
}
