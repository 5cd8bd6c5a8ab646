using System.Diagnostics;
using System.Text.Json;

namespace Descent.Bench;

/// <summary>
/// Runs the Python peer (PyTorch / numpy from Debian, with /usr/bin/python3) on the same cases, with
/// <c>OPENBLAS_CORETYPE</c> and <c>OPENBLAS_L2_SIZE</c> unset so that OpenBLAS picks its own kernel.
/// </summary>
internal static class Peer
{
    public const string Python = "/usr/bin/python3";

    public const string InstallHint = "peer not installed: run `sudo bench/install-peers.sh` (Debian python3-torch, python3-numpy, libopenblas0-pthread)";

    /// <summary>Environment of the glibc-malloc-tuned PyTorch variant (see optimizer-notes.md).</summary>
    public static readonly Dictionary<string, string> MallocTuned = new()
    {
        ["MALLOC_MMAP_THRESHOLD_"] = "33554432",
        ["MALLOC_TRIM_THRESHOLD_"] = "17179869184",
    };

    /// <summary>Runs peers/peer.py with the arguments; returns the parsed JSON object, or null with a reason.</summary>
    public static (JsonElement? Result, string? Error) Run(string suite, string arguments, IReadOnlyDictionary<string, string>? extraEnv = null, TimeSpan? timeout = null) =>
        RunScript("peer.py", $"{suite} {arguments}", extraEnv, timeout);

    /// <summary>Runs the script <paramref name="name"/> of the bench's peers folder with the arguments; returns the parsed
    /// JSON object its last output line holds, or null with a reason.</summary>
    public static (JsonElement? Result, string? Error) RunScript(string name, string arguments, IReadOnlyDictionary<string, string>? extraEnv = null, TimeSpan? timeout = null)
    {
        if (!File.Exists(Python))
        {
            return (null, InstallHint);
        }

        var script = Path.Combine(AppContext.BaseDirectory, "peers", name);
        var psi = new ProcessStartInfo(Python, $"\"{script}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment.Remove("OPENBLAS_CORETYPE");
        psi.Environment.Remove("OPENBLAS_L2_SIZE");
        if (extraEnv is not null)
        {
            foreach (var (k, v) in extraEnv)
            {
                psi.Environment[k] = v;
            }
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (null, "peer timed out");
        }

        var output = stdout.Result;
        if (process.ExitCode != 0)
        {
            var err = stderr.Result;
            return (null, err.Contains("ModuleNotFoundError", StringComparison.Ordinal) ? InstallHint : $"peer failed: {Last(err)}");
        }

        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        return (JsonDocument.Parse(line).RootElement.Clone(), null);
    }

    /// <summary>Reads a number from the peer's result by key, or null.</summary>
    public static double? Get(JsonElement? result, string key) =>
        result is { } r && r.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>Reads a string from the peer's result, or a fallback.</summary>
    public static string Text(JsonElement? result, string key, string fallback) =>
        result is { } r && r.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;

    private static string Last(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no output)" : lines[^1];
    }
}
