namespace Descent.Bench;

/// <summary>Finds the repository the benchmarks belong to (the folder holding <c>Descent.slnx</c>).</summary>
internal static class RepositoryPaths
{
    /// <summary>The first folder holding <c>Descent.slnx</c> found searching upward from each of
    /// <paramref name="starts"/> in turn; null when there is none.</summary>
    public static string? FindRoot(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Descent.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
