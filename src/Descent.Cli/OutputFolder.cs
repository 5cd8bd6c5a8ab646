namespace Descent.Cli;

/// <summary>The check every command makes on its <c>--out</c> folder before any computation: it is a folder (or can be
/// created as one) and a file can be written in it — probed by creating and deleting a file in it, or in its nearest
/// existing parent when it does not exist yet (nothing is left behind; a missing folder is created later, by the command).</summary>
public static class OutputFolder
{
    /// <summary>Throws <see cref="CliException"/> naming <paramref name="path"/> when nothing can be written there.</summary>
    public static void RequireWritable(string path, string option = "--out")
    {
        ArgumentNullException.ThrowIfNull(path);
        string existing;
        try
        {
            existing = Path.GetFullPath(path);
            while (!Directory.Exists(existing))
            {
                if (File.Exists(existing))
                {
                    throw new CliException(existing == Path.GetFullPath(path)
                        ? $"{option} {path}: a file is there; give a folder"
                        : $"{option} {path}: '{existing}' is a file, so the folder cannot be created");
                }

                existing = Path.GetDirectoryName(existing) ?? throw new CliException($"{option} {path}: no existing parent folder");
            }
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            throw new CliException($"{option} {path}: not a usable path ({e.Message})", e);
        }

        var probe = Path.Combine(existing, $".descent-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{option} {path}: cannot write in '{existing}' ({e.Message}); give a writable folder", e);
        }
    }
}
