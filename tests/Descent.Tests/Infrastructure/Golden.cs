namespace Descent.Tests.Infrastructure;

/// <summary>Locates the golden reference data: <c>DESCENT_GOLDEN_DIR</c> when set, else
/// <c>../shared/golden</c> from the repository root.</summary>
public static class Golden
{
    public static string Folder
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("DESCENT_GOLDEN_DIR");
            if (!string.IsNullOrEmpty(env))
            {
                return Path.GetFullPath(env);
            }

            return Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "golden"));
        }
    }

    /// <summary>The repository root (the folder holding Directory.Build.props).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException(
                $"cannot find the repository root (Directory.Build.props) above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Full path of a golden file; fails the test clearly when it is missing.</summary>
    public static string File(string name)
    {
        var path = Path.Combine(Folder, name);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException(
                $"golden file '{name}' not found in {Folder} (set DESCENT_GOLDEN_DIR to the golden folder)", path);
        }

        return path;
    }
}
