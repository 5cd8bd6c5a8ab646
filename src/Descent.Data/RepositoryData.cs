namespace Descent.Data;

/// <summary>Finds data that ships in the source repository (e.g. <c>data/fashion-mnist-subset</c>) from a program
/// run anywhere inside it.</summary>
public static class RepositoryData
{
    /// <summary>The first <paramref name="relativePath"/> that <paramref name="exists"/> accepts, searched upward from
    /// the current directory and then from the program's folder; null when none is found.</summary>
    public static string? Find(string relativePath, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(exists);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
