namespace Descent.Checkpoints;

/// <summary>
/// Writes files so that a crash never leaves a corrupt or half-written file behind: the content goes to a
/// temporary file in the same folder, is flushed to disk (<see cref="FileStream.Flush(bool)"/> with
/// <c>true</c>), and then renamed over the target in one step. Readers see either the old file or the new one.
/// </summary>
/// <remarks>A crash can leave a hidden temporary file (<c>.NAME.PID.GUID.tmp</c>) beside the target; it is never
/// read. For tests only, the internal environment variable <c>DESCENT_TEST_CRASH_IN_WRITE</c> (<c>N</c> or
/// <c>N:BYTES</c>, or <c>N:BYTES:NAME</c> to count only writes to files named NAME) kills the process in the middle of its N-th atomic write.</remarks>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with the content produced by <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var crashAfter = CrashInjection.NextWriteLimit(full);
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                if (crashAfter >= 0)
                {
                    using var crashing = CrashInjection.Wrap(stream, crashAfter);
                    write(crashing);
                }
                else
                {
                    write(stream);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // best effort: the temporary file is hidden and never read
            }

            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }
}
