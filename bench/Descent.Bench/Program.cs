using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Descent.Bench;

// Descent benchmarks: dotnet run -c Release --project bench/Descent.Bench -- <optim|gemm|train|bert|bert-gemm|bert-inference|muon|all> [--quick]
if (args.Length > 0 && args[0] == "gemm-tune")
{
    GemmTuning.Run(args);
    return 0;
}

// The lab suites parse specs of the built-in task kinds (digits-mlp): register them as the CLI does.
Descent.Experiments.ExperimentTasks.Register();

var quick = args.Contains("--quick");
var threadsAt = Array.IndexOf(args, "--threads");
if (threadsAt >= 0 && threadsAt + 1 < args.Length)
{
    var threads = int.Parse(args[threadsAt + 1], System.Globalization.CultureInfo.InvariantCulture);
    Descent.Numerics.Gemm.MaxWorkers = threads;
    Descent.Numerics.ParallelRange.MaxWorkers = threads;
    args = args.Where((_, i) => i != threadsAt && i != threadsAt + 1).ToArray();
}

var suites = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
if (suites.Count == 0 || suites.Contains("all"))
{
    suites = ["optim", "gemm", "train"];
}

var known = new Dictionary<string, Func<bool, Action<string>, List<BenchRow>>>
{
    ["gemm"] = GemmSuite.Run,
    ["optim"] = OptimSuite.Run,
    ["train"] = TrainSuite.Run,
    ["bert"] = BertSuite.Run,
    ["bert-gemm"] = BertGemmRows.Run,
    ["bert-inference"] = BertInferenceRows.Run,
    ["muon"] = MuonSuite.Run,
};
foreach (var s in suites.Where(s => !known.ContainsKey(s)))
{
    Console.Error.WriteLine($"unknown suite '{s}'; use optim, gemm, train, bert (parts: bert-gemm, bert-inference), muon or all (and --quick)");
    return 2;
}

var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSArchitecture}, " +
    $"Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, .NET {Environment.Version}";
Console.WriteLine($"Descent.Bench ({(quick ? "quick" : "full")}) on {CpuName()} ({machine})");
Console.WriteLine("The machine may be shared: compare ratios measured in the same run, not absolute numbers.");
var resultsDir = FindResultsDirectory();
var exit = 0;
foreach (var suite in suites)
{
    var started = DateTime.UtcNow;
    var rows = known[suite](quick, msg => Console.Error.WriteLine($"  [{suite}] {msg}"));
    Table.Print(suite, rows);
    Directory.CreateDirectory(resultsDir);
    var path = Path.Combine(resultsDir, $"{suite}.json");
    File.WriteAllText(path, JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"wrote {path} ({(DateTime.UtcNow - started).TotalSeconds:F0} s)");
    if (rows.Any(r => r.Peer == Peer.InstallHint))
    {
        Console.WriteLine(Peer.InstallHint);
    }
}

return exit;

static string CpuName()
{
    try
    {
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    }
    catch (IOException)
    {
        return "unknown CPU";
    }
}

static string FindResultsDirectory() =>
    Path.Combine(RepositoryPaths.FindRoot(Environment.CurrentDirectory) ?? Environment.CurrentDirectory, "bench", "results");
