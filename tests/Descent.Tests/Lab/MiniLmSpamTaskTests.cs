using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Descent.Text;
using Descent.Text.Classification;

namespace Descent.Tests.Lab;

/// <summary>The <c>minilm-spam</c> lab task on the shipped SpamAssassin subset, kept tiny (8 emails, 16 tokens, 1 epoch).</summary>
public sealed class MiniLmSpamTaskTests
{
    private static string Subset => Path.Combine(Golden.RepositoryRoot, "data", "spam-assassin-subset", "spam-assassin-subset.jsonl.gz");

    private static string Spec(string mode) => $$"""
        { "name": "tiny-minilm", "task": { "kind": "minilm-spam", "mode": "{{mode}}", "top_k": 1, "max_length": 16, "train_limit": 8,
          "batch_size": 4, "data": "{{Subset.Replace("\\", "\\\\", StringComparison.Ordinal)}}" },
          "budget": { "epochs": 1 }, "seeds": [3], "optimizers": [ { "name": "adamw", "lr": 1e-3, "weight_decay": 0.01 } ] }
        """;

    [Fact]
    public void SpecParsesTheMiniLmFields()
    {
        var spec = SpecParser.Parse(Spec("top-k"), EngineCatalog.Instance);
        Assert.Equal(TaskKinds.MiniLmSpam, spec.Task.Kind);
        Assert.Equal(("top-k", 1, 16, 8, 4), (spec.Task.Mode, spec.Task.TopK, spec.Task.MaxLength, spec.Task.TrainLimit, spec.Task.BatchSize));
        Assert.Equal("val_accuracy", spec.Metric);
    }

    [Fact]
    public void MiniLmFieldsAreRejectedElsewhereAndBadModesListed()
    {
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(
            """{ "name": "x", "task": { "kind": "digits-mlp", "top_k": 2 }, "budget": { "epochs": 1 }, "optimizers": [ { "name": "sgd", "lr": 0.1 } ] }""",
            EngineCatalog.Instance));
        Assert.Contains("$.task.top_k: applies to minilm-spam only, not digits-mlp", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(Spec("half"), EngineCatalog.Instance));
        Assert.Contains("$.task.mode: must be \"head\", \"top-k\" or \"full\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TopKRunIsDeterministicAndEqualsTheLibraryPipeline()
    {
        var spec = SpecParser.Parse(Spec("top-k"), EngineCatalog.Instance);
        var run = spec.Runs().Single();
        var task = LabTasks.Create(spec.Task);
        var first = task.Run(new RunContext(spec, run, EngineCatalog.Instance));
        var second = LabTasks.Create(spec.Task).Run(new RunContext(spec, run, EngineCatalog.Instance));
        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(2, first.Steps);
        string[] valueMetrics = ["loss", "train_loss", "val_accuracy", "val_f1"];
        double[] Values(RunResult r) => [.. r.StepMetrics.Concat(r.EpochMetrics).Where(m => valueMetrics.Contains(m.Name)).Select(m => m.Value)];
        Assert.Equal(Values(first), Values(second));

        // The same run through the library directly, with the optimizer the spec describes (one AdamW group, no schedule).
        var (train, test, _) = SpamSplit.Load(Subset, 8);
        var tokenizer = MiniLm.CreateTokenizer(16);
        var direct = TextClassifierFineTuner.Run(
            MiniLm.LoadModel(seed: 3),
            TokenizedTexts.Create(tokenizer, [.. train.Select(t => t.Text)], [.. train.Select(t => t.Label)]),
            TokenizedTexts.Create(tokenizer, [.. test.Select(t => t.Text)], [.. test.Select(t => t.Label)]),
            new TextFineTuneOptions { Mode = FineTuneMode.TopK, TopK = 1, MaxLength = 16, BatchSize = 4, Seed = 3 },
            optimizerFactory: (parameters, _) => (new AdamW(parameters, new AdamWOptions { LearningRate = 1e-3, WeightDecay = 0.01 }), null));
        var epoch = first.EpochMetrics.Where(m => m.Epoch == 1).ToDictionary(m => m.Name, m => m.Value);
        Assert.Equal(direct.Final.TrainLoss, epoch["train_loss"]);
        Assert.Equal(direct.Final.Accuracy, epoch["val_accuracy"]);
        Assert.Equal(direct.Final.F1, epoch["val_f1"]);
        Assert.Equal(test.Count, direct.TestCount);
        Assert.InRange(direct.Final.Accuracy, 0, 1);
    }
}
