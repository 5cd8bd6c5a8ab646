using System.Text.Json;
using Descent.Data;
using Descent.Experiments.Transfer;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Tests.Infrastructure;
using Descent.Training;

namespace Descent.Tests.Lab;

public sealed class FashionTransferTaskTests
{
    private static readonly string Subset = Path.Combine(Golden.RepositoryRoot, FashionMnist.SubsetFolder).Replace("\\", "/", StringComparison.Ordinal);

    private static ExperimentSpec TinySpec(bool pretrained = true) => SpecParser.Parse($$"""
        { "name": "tiny-transfer",
          "task": { "kind": "fashion-transfer", "data": "{{Subset}}", "labels_per_class": 4, "validation_per_class": 6,
                    "pretrained": {{(pretrained ? "true" : "false")}}, "pretrain_epochs": 1, "pretrain_per_class": 12, "batch_size": 10 },
          "budget": { "epochs": 2 }, "seeds": [0, 1],
          "optimizers": [ { "name": "sgd", "lr": 0.01, "momentum": 0.9 }, { "name": "adam", "lr": 1e-3 } ] }
        """, EngineCatalog.Instance);

    private static List<(string, int, int?, double)> Values(RunResult r)
        => [.. r.StepMetrics.Concat(r.EpochMetrics).Select(m => (m.Name, m.Step, m.Epoch, m.Value))];

    [Fact]
    public void TinyRunOnTheSubsetIsDeterministicAndRecordsDigitsStyleMetrics()
    {
        using var dir = new TempDir();
        var spec = TinySpec();
        var task = Assert.IsType<FashionTransferTask>(LabTasks.Create(spec.Task, dir.Path));
        var runs = spec.Runs();
        var first = task.Run(new RunContext(spec, runs[0], EngineCatalog.Instance));

        // 5 classes × 4 labels = 20 images in batches of 10: 2 steps per epoch, 2 epochs.
        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(4, first.Steps);
        Assert.Equal([0, 1, 2, 3], first.StepMetrics.Select(m => m.Step));
        foreach (var name in new[] { "train_loss", "val_loss", "val_accuracy" })
        {
            Assert.Equal([0, 1, 2], first.EpochMetrics.Where(m => m.Name == name).Select(m => m.Epoch!.Value));
        }

        // The pretraining is cached in the experiment folder and a second task (a resumed experiment) reuses it.
        var cached = Path.Combine(dir.Path, "pretrain-12-1", "best.safetensors");
        Assert.True(File.Exists(cached));
        var written = File.GetLastWriteTimeUtc(cached);
        var again = new FashionTransferTask(spec.Task, dir.Path).Run(new RunContext(spec, runs[0], EngineCatalog.Instance));
        Assert.Equal(written, File.GetLastWriteTimeUtc(cached));

        // Same seed and configuration → identical metrics; another seed → different ones.
        Assert.Equal(Values(first), Values(again));
        var otherSeed = task.Run(new RunContext(spec, runs.First(r => r.Configuration.Key == runs[0].Configuration.Key && r.Seed == 1), EngineCatalog.Instance));
        Assert.NotEqual(Values(first), Values(otherSeed));

        // Epoch-0 values equal an independent evaluation of the same starting network on the same split.
        var data = FashionTransfer.TargetData(Subset, 4, 6, 1, seed: 0);
        var (model, _) = FashionTransfer.CreateFineTuned(cached, seed: 0);
        var (valLoss, valAccuracy) = Trainer.Evaluate(model, data.Validation);
        Assert.Equal(valLoss, first.EpochMetrics.Single(m => m.Name == "val_loss" && m.Epoch == 0).Value);
        Assert.Equal(valAccuracy, first.EpochMetrics.Single(m => m.Name == "val_accuracy" && m.Epoch == 0).Value);
        Assert.Equal(Trainer.Evaluate(model, data.Labelled).Loss, first.EpochMetrics.Single(m => m.Name == "train_loss" && m.Epoch == 0).Value);
    }

    [Fact]
    public void FromScratchRunsStartFromTheScratchNetwork()
    {
        var spec = TinySpec(pretrained: false);
        var task = new FashionTransferTask(spec.Task);
        Assert.Null(task.Weights);
        var r = task.Run(new RunContext(spec, spec.Runs()[0], EngineCatalog.Instance));
        var data = FashionTransfer.TargetData(Subset, 4, 6, 1, seed: 0);
        Assert.Equal(Trainer.Evaluate(FashionTransfer.CreateScratch(0), data.Validation).Loss,
            r.EpochMetrics.Single(m => m.Name == "val_loss" && m.Epoch == 0).Value);
    }

    [Fact]
    public void InvalidTransferFieldsAreListedWithTheirJsonPaths()
    {
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse("""
            { "name": "bad", "task": { "kind": "fashion-transfer", "labels_per_class": 0, "pretrained": "yes", "pretrain_epochs": 1.5, "l2": 0.1 },
              "budget": { "epochs": 1 }, "optimizers": [ { "name": "sgd", "lr": 0.1 } ] }
            """, EngineCatalog.Instance));
        Assert.Contains("$.task.labels_per_class: must be in [1, 6000]", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.task.pretrained: must be true or false, not the string \"yes\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.task.pretrain_epochs: must be an integer, not 1.5", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.task.l2: applies to digits-mlp only, not fashion-transfer", e.Message, StringComparison.Ordinal);

        var other = Assert.Throws<SpecValidationException>(() => SpecParser.Parse("""
            { "name": "bad", "task": { "kind": "digits-mlp", "labels_per_class": 5, "weights": "w.safetensors" },
              "budget": { "epochs": 1 }, "optimizers": [ { "name": "sgd", "lr": 0.1 } ] }
            """, EngineCatalog.Instance));
        Assert.Contains("$.task.labels_per_class: applies to fashion-transfer only, not digits-mlp", other.Message, StringComparison.Ordinal);
        Assert.Contains("$.task.weights: applies to fashion-transfer only, not digits-mlp", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExampleSpecUsesTheDefaultsAndTheSchemaAcceptsIt()
    {
        var path = Path.Combine(Golden.RepositoryRoot, "examples", "lab", "sgd-vs-adam-fashion-transfer.json");
        var spec = SpecParser.ParseFile(path, EngineCatalog.Instance);
        Assert.Equal(TaskKinds.FashionTransfer, spec.Task.Kind);
        Assert.Equal("val_accuracy", spec.Metric);
        Assert.NotNull(spec.Task.Transfer);

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "examples", "lab", "experiment.schema.json")));
        using var example = JsonDocument.Parse(File.ReadAllText(path));
        var properties = schema.RootElement.GetProperty("properties").GetProperty("task").GetProperty("properties");
        foreach (var field in example.RootElement.GetProperty("task").EnumerateObject())
        {
            Assert.True(properties.TryGetProperty(field.Name, out var rule), $"the schema has no task property '{field.Name}'");
            Assert.True(SchemaAccepts(rule, field.Value), $"the schema rejects task.{field.Name} = {field.Value.GetRawText()}");
        }

        // Every fashion-transfer field the parser knows is in the schema too.
        foreach (var name in new[] { "labels_per_class", "validation_per_class", "pretrained", "weights", "pretrain_epochs", "pretrain_per_class", "width", "data", "batch_size" })
        {
            Assert.True(properties.TryGetProperty(name, out _), name);
        }
    }

    // The subset of JSON Schema the task properties use: enum, type (integer, number, string, boolean), minimum, maximum.
    private static bool SchemaAccepts(JsonElement rule, JsonElement value)
    {
        if (rule.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(o => o.GetRawText() == value.GetRawText()))
        {
            return false;
        }

        if (rule.TryGetProperty("type", out var type))
        {
            var ok = type.GetString() switch
            {
                "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
                "number" => value.ValueKind == JsonValueKind.Number,
                "string" => value.ValueKind == JsonValueKind.String,
                "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        var number = value.ValueKind == JsonValueKind.Number;
        return (!number || !rule.TryGetProperty("minimum", out var min) || value.GetDouble() >= min.GetDouble())
            && (!number || !rule.TryGetProperty("maximum", out var max) || value.GetDouble() <= max.GetDouble());
    }
}
