using System.Text.Json;
using System.Text.Json.Serialization;
using Descent.Cli.Spam;
using Descent.Experiments.Spam;
using Descent.Tests.Lab;
using Descent.Text.Classification;

namespace Descent.Tests.Cli;

/// <summary>The MiniLM runner's results.json and results.csv writer, on hand-made results (no MiniLM run).</summary>
public sealed class MiniLmSpamResultsTests
{
    private static FineTuneEpoch Epoch(int epoch, double loss, double accuracy) => new()
    {
        Epoch = epoch,
        TrainLoss = loss,
        Accuracy = accuracy,
        Precision = 0.5,
        Recall = 0.25,
        F1 = 1.0 / 3,
        TrainSeconds = 1.5,
        EvalSeconds = 0.5,
        TextsPerSecond = 10,
        TokensPerSecond = 1280,
        GflopsPerSecond = double.PositiveInfinity,
        PeakWorkingSetBytes = 1L << 30,
        GcHeapBytes = 1L << 20,
    };

    [Fact]
    public void ADivergedRunsNaNLossIsWrittenAsNaNAndReadsBack()
    {
        using var dir = new TempDir();
        var settings = new MiniLmSpamSettings { OutputDirectory = dir.Path };
        var options = new TextFineTuneOptions { Mode = FineTuneMode.Full, Optimizer = FineTuneOptimizer.Sgd, Seed = 7 };
        FineTuneResult[] results =
        [
            new()
            {
                Options = options,
                LearningRate = 2e-3,
                HeadLearningRate = 2e-2,
                TrainCount = 240,
                TestCount = 60,
                TrainTokens = 30_000,
                TrainableParameters = 22_713_986,
                Steps = 30,
                CacheSeconds = 0,
                Epochs = [Epoch(1, 0.6931, 0.75), Epoch(2, double.NaN, 0.25)],
            },
        ];

        var files = MiniLmSpamRunner.Write(settings, results, "test corpus");

        Assert.Equal([Path.Combine(dir.Path, "results.json"), Path.Combine(dir.Path, "results.csv")], files);
        var text = File.ReadAllText(files[0]);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("minilm-spam", json.RootElement.GetProperty("task").GetString());
        Assert.Equal("test corpus", json.RootElement.GetProperty("data").GetString());
        var epochs = json.RootElement.GetProperty("runs")[0].GetProperty("Epochs");
        Assert.Equal(2, epochs.GetArrayLength());
        Assert.Equal(0.6931, epochs[0].GetProperty("TrainLoss").GetDouble());
        Assert.Equal("NaN", epochs[1].GetProperty("TrainLoss").GetString());
        Assert.Equal("Infinity", epochs[1].GetProperty("GflopsPerSecond").GetString());
        Assert.Equal(0.25, epochs[1].GetProperty("Accuracy").GetDouble());

        // Read back with named floating-point literals allowed: the values round-trip.
        var read = JsonSerializer.Deserialize<FineTuneEpoch[]>(epochs.GetRawText(),
            new JsonSerializerOptions { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals })!;
        Assert.Equal(Epoch(1, 0.6931, 0.75), read[0]);
        Assert.True(double.IsNaN(read[1].TrainLoss));
        Assert.True(double.IsPositiveInfinity(read[1].GflopsPerSecond));

        var csv = File.ReadAllLines(files[1]);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("sgd,full,2,0.002,0.02,240,60,2,NaN,0.25,", csv[2], StringComparison.Ordinal);
    }
}
