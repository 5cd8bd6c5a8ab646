using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Training;

namespace Descent.Bench;

/// <summary>
/// The lab's scikit-learn reference check (<c>examples/lab/sklearn-reference.json</c>: digits, 70/30 split =
/// 1,257 training samples, 64 ReLU units, batch 200, L2 1e-4, 200 epochs) timed end to end through the lab's
/// own <see cref="DigitsMlpTask"/> — per-epoch validation and metric recording included — for the
/// <c>sgd</c> (Nesterov, Sutskever form) and <c>adam</c> (epsilon-hat) entries, seed 0. The peer fits
/// scikit-learn's <c>MLPClassifier</c> on the same files with the same settings.
/// </summary>
internal static class DigitsReference
{
    /// <summary>Epochs per fit (the reference's budget).</summary>
    public const int Epochs = 200;

    /// <summary>The folder holding Descent.slnx, searched upwards from the working directory and the binary.</summary>
    public static string? RepositoryRoot() =>
        RepositoryPaths.FindRoot(Environment.CurrentDirectory, AppContext.BaseDirectory);

    /// <summary>The folder holding <c>digits_train.csv</c> / <c>digits_test.csv</c>: scikit-learn's exact
    /// split beside the repository (<c>../shared/reference/sklearn-digits-split</c>) when present, else the
    /// built-in split written to a temporary folder.</summary>
    public static string DataDirectory(string repositoryRoot)
    {
        var shared = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "reference", "sklearn-digits-split"));
        if (File.Exists(Path.Combine(shared, "digits_train.csv")) && File.Exists(Path.Combine(shared, "digits_test.csv")))
        {
            return shared;
        }

        var dir = Path.Combine(Path.GetTempPath(), "descent-bench-digits");
        Directory.CreateDirectory(dir);
        var (train, test) = DigitsMlpTask.Load(null);
        Write(Path.Combine(dir, "digits_train.csv"), train);
        Write(Path.Combine(dir, "digits_test.csv"), test);
        return dir;
    }

    /// <summary>The reference spec with its data folder replaced by <paramref name="dataDirectory"/>.</summary>
    public static ExperimentSpec Spec(string repositoryRoot, string dataDirectory)
    {
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(repositoryRoot, "examples", "lab", "sklearn-reference.json")))!;
        node["task"]!["data"] = dataDirectory;
        node["budget"] = new JsonObject { ["epochs"] = Epochs };
        node["seeds"] = new JsonArray(0);
        return SpecParser.Parse(node.ToJsonString(), EngineCatalog.Instance);
    }

    /// <summary>Best wall time of <paramref name="fits"/> complete runs of the entry whose optimizer is
    /// <paramref name="optimizer"/>, in milliseconds per epoch, after warm-up runs for at least
    /// <paramref name="warmupTime"/> (one run is not enough for the JIT to finish tiering up); also the final
    /// validation accuracy.</summary>
    public static (double MsPerEpoch, double Accuracy) Time(ExperimentSpec spec, string optimizer, int fits, TimeSpan warmupTime)
    {
        var run = spec.Runs().First(r => r.Configuration.Optimizer == optimizer);
        var task = new DigitsMlpTask(spec.Task);
        var warming = Stopwatch.StartNew();
        do
        {
            task.Run(new RunContext(spec, run, EngineCatalog.Instance));
        }
        while (warming.Elapsed < warmupTime);

        var best = double.MaxValue;
        RunResult? result = null;
        for (var i = 0; i < fits; i++)
        {
            var start = Stopwatch.GetTimestamp();
            result = task.Run(new RunContext(spec, run, EngineCatalog.Instance));
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        var accuracy = result!.EpochMetrics.Last(m => m.Name == "val_accuracy").Value;
        return (best * 1e3 / Epochs, accuracy);
    }

    private static void Write(string path, Descent.Training.Dataset set)
    {
        using var writer = new StreamWriter(path);
        var x = set.Features.Span;
        var width = set.Features.Shape[1];
        for (var i = 0; i < set.Count; i++)
        {
            writer.Write(set.Labels[i].ToString(CultureInfo.InvariantCulture));
            for (var j = 0; j < width; j++)
            {
                writer.Write(',');
                writer.Write(MathF.Round(x[(i * width) + j] * 16f).ToString(CultureInfo.InvariantCulture));
            }

            writer.WriteLine();
        }
    }
}
