using System.Text.Json;
using Descent.Experiments;
using Descent.Experiments.Spam;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Descent.Text;
using Descent.Text.Classification;

namespace Descent.Tests.Experiments.Spam;

/// <summary>The <c>minilm-spam</c> lab task on the shipped SpamAssassin subset, kept tiny (8 emails, 16 tokens, 1 epoch).</summary>
public sealed class MiniLmSpamTaskTests
{
    private static string Subset => Path.Combine(Golden.RepositoryRoot, "data", "spam-assassin-subset", "spam-assassin-subset.jsonl.gz");

    /// <summary>The subset's split (8 test e-mails) tokenized as the task does at 16 tokens.</summary>
    private static (TokenizedTexts Train, TokenizedTexts Test) TokenizedSubset()
    {
        var (train, test, _) = SpamSplit.Load(Subset, 8);
        var tokenizer = MiniLm.CreateTokenizer(16);
        return (TokenizedTexts.Create(tokenizer, [.. train.Select(t => t.Text)], [.. train.Select(t => t.Label)]),
            TokenizedTexts.Create(tokenizer, [.. test.Select(t => t.Text)], [.. test.Select(t => t.Label)]));
    }

    private static string Spec(string mode, string extra = "") => $$"""
        { "name": "tiny-minilm", "task": { "kind": "minilm-spam", "mode": "{{mode}}", {{extra}} "top_k": 1, "max_length": 16, "train_limit": 8,
          "batch_size": 4, "data": "{{Subset.Replace("\\", "\\\\", StringComparison.Ordinal)}}" },
          "budget": { "epochs": 1 }, "seeds": [3], "optimizers": [ { "name": "adamw", "lr": 1e-3, "weight_decay": 0.01 } ] }
        """;

    [Fact]
    public void ANonFiniteLossIsADivergedRunNotAFailedOne()
    {
        var json = Spec("full").Replace("\"epochs\": 1", "\"epochs\": 3", StringComparison.Ordinal)
            .Replace("{ \"name\": \"adamw\", \"lr\": 1e-3, \"weight_decay\": 0.01 }", "{ \"name\": \"sgd\", \"lr\": 1e38 }", StringComparison.Ordinal);
        var spec = SpecParser.Parse(json, EngineCatalog.Instance);
        Assert.Equal(1e38, spec.Runs().Single().Configuration.LearningRate); // the replacement took
        var result = spec.Task.Definition.CreateRun(spec.Task, null).Run(new RunContext(spec, spec.Runs().Single(), EngineCatalog.Instance));
        Assert.Equal(RunStatus.Diverged, result.Status);
        Assert.Contains("the training loss became", result.Message, StringComparison.Ordinal);
        Assert.InRange(result.Steps, 1, 5); // stopped within the first 3 epochs of 2 steps, before the update that would follow
    }

    [Fact]
    public void SpecParsesTheMiniLmFields()
    {
        var spec = SpecParser.Parse(Spec("top-k"), EngineCatalog.Instance);
        Assert.Equal(TaskKinds.MiniLmSpam, spec.Task.Kind);
        Assert.Equal(("top-k", 1, 16, 8, 4), (((MiniLmTaskSettings)spec.Task.Settings!).Mode, ((MiniLmTaskSettings)spec.Task.Settings!).TopK, ((MiniLmTaskSettings)spec.Task.Settings!).MaxLength, ((MiniLmTaskSettings)spec.Task.Settings!).TrainLimit, spec.Task.BatchSize));
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
        Assert.Contains("$.task.mode: must be \"head\", \"top-k\", \"full\" or \"lora\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("top-k", "", "linear", "sentence", "random")] // the defaults of top-k and full: BERT's linear head on the sentence embedding
    [InlineData("full", "", "linear", "sentence", "random")]
    [InlineData("head", "", "mlp", "layers", "random")] // head mode and LP-FT default to the CLI's MLP on all-layer features
    [InlineData("full", "\"init\": \"probe\",", "mlp", "layers", "probe")]
    [InlineData("top-k", "\"init\": \"probe\", \"head\": \"linear\",", "linear", "layers", "probe")]
    [InlineData("head", "\"head\": \"linear\", \"features\": \"sentence\",", "linear", "sentence", "random")]
    [InlineData("full", "\"head\": \"mlp\", \"features\": \"layers\", \"init\": \"random\",", "mlp", "layers", "random")]
    public void HeadFeaturesAndInitHaveTheCliDefaultsAndMapToTheFineTuneOptions(string mode, string extra, string head, string features, string init)
    {
        var spec = SpecParser.Parse(Spec(mode, extra), EngineCatalog.Instance);
        Assert.Equal((head, features, init), (((MiniLmTaskSettings)spec.Task.Settings!).Head, ((MiniLmTaskSettings)spec.Task.Settings!).Features, ((MiniLmTaskSettings)spec.Task.Settings!).Init));
        var options = ((MiniLmSpamTask)spec.Task.Definition.CreateRun(spec.Task, null)).Options(seed: 3, epochs: 2);
        Assert.Equal(head == "mlp" ? ClassifierHead.Mlp : ClassifierHead.Linear, options.Head);
        Assert.Equal(features == "layers" ? HeadFeatures.AllLayersMeanMax : HeadFeatures.SentenceEmbedding, options.Features);
        Assert.Equal(init == "probe" ? HeadInit.Probe : HeadInit.Random, options.HeadInit);
        Assert.Equal(mode switch { "head" => FineTuneMode.Head, "top-k" => FineTuneMode.TopK, _ => FineTuneMode.Full }, options.Mode);
        Assert.Equal((1, 2, 4, 16, 3UL), (options.TopK, options.Epochs, options.BatchSize, options.MaxLength, options.Seed));
        options.Validate();
    }

    [Fact]
    public void TheShippedMiniLmExampleKeepsTheLinearHeadOnTheSentenceEmbedding()
    {
        var spec = SpecParser.ParseFile(Path.Combine(Golden.RepositoryRoot, "examples", "lab", "minilm-spam-optimizers.json"), EngineCatalog.Instance);
        var options = ((MiniLmSpamTask)spec.Task.Definition.CreateRun(spec.Task, null)).Options(seed: 0, epochs: 1);
        Assert.Equal((FineTuneMode.TopK, ClassifierHead.Linear, HeadInit.Random), (options.Mode, options.Head, options.HeadInit));
        Assert.Same(HeadFeatures.SentenceEmbedding, options.Features);
        Assert.True(options.IsPlainHead);
        Assert.Equal("adamw/top-2", options.Label);
    }

    [Theory]
    [InlineData("full", "\"head\": \"conv\",", "$.task.head: must be \"mlp\" or \"linear\"")]
    [InlineData("full", "\"head\": 1,", "$.task.head: must be \"mlp\" or \"linear\"")]
    [InlineData("head", "\"features\": \"all\",", "$.task.features: must be \"layers\" or \"sentence\"")]
    [InlineData("top-k", "\"init\": \"lp-ft\",", "$.task.init: must be \"random\" or \"probe\"")]
    [InlineData("head", "\"init\": \"probe\",", "$.task.init: \"probe\" starts top-k or full fine-tuning from a head trained as head mode does; use mode \"top-k\" or \"full\"")]
    public void InvalidHeadFeaturesOrInitAreRejectedWithTheirPathAndTheAllowedValues(string mode, string extra, string message)
    {
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(Spec(mode, extra), EngineCatalog.Instance));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeadFeaturesAndInitAreRejectedElsewhereAndAllListedInTheSchema()
    {
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(
            """{ "name": "x", "task": { "kind": "digits-mlp", "head": "mlp", "features": "layers", "init": "probe" }, "budget": { "epochs": 1 }, "optimizers": [ { "name": "sgd", "lr": 0.1 } ] }""",
            EngineCatalog.Instance));
        foreach (var key in new[] { TaskKeys.Head, TaskKeys.Features, TaskKeys.Init })
        {
            Assert.Contains($"$.task.{key.Name}: {key.Rejection}, not digits-mlp", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal("applies to minilm-spam only", TaskKeys.Head.Rejection);

        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "examples", "lab", "experiment.schema.json")));
        var properties = schema.RootElement.GetProperty("properties").GetProperty("task").GetProperty("properties");
        // A key other kinds share (features, init) lists minilm-spam's values as one alternative of an anyOf.
        JsonElement EnumOf(JsonElement p) => p.TryGetProperty("enum", out var e) ? e : p.GetProperty("anyOf").EnumerateArray().First(a => a.TryGetProperty("enum", out _)).GetProperty("enum");
        string[] Enum(string key) => [.. EnumOf(properties.GetProperty(key)).EnumerateArray().Select(v => v.GetString()!)];
        Assert.Equal(["mlp", "linear"], Enum("head"));
        Assert.Equal(["layers", "sentence"], Enum("features"));
        Assert.Equal(["random", "probe"], Enum("init"));
        Assert.Equal(["head", "top-k", "full", "lora"], Enum("mode"));
    }

    [Fact]
    public void TopKRunIsDeterministicAndEqualsTheLibraryPipeline()
    {
        var spec = SpecParser.Parse(Spec("top-k"), EngineCatalog.Instance);
        var run = spec.Runs().Single();
        var task = spec.Task.Definition.CreateRun(spec.Task, null);
        var first = task.Run(new RunContext(spec, run, EngineCatalog.Instance));
        var second = spec.Task.Definition.CreateRun(spec.Task, null).Run(new RunContext(spec, run, EngineCatalog.Instance));
        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal(2, first.Steps);
        string[] valueMetrics = ["loss", "train_loss", "val_accuracy", "val_f1"];
        double[] Values(RunResult r) => [.. r.StepMetrics.Concat(r.EpochMetrics).Where(m => valueMetrics.Contains(m.Name)).Select(m => m.Value)];
        Assert.Equal(Values(first), Values(second));

        // The same run through the library directly, with the optimizer the spec describes (one AdamW group, no schedule).
        var (train, test) = TokenizedSubset();
        var direct = TextClassifierFineTuner.Run(
            MiniLm.LoadModel(seed: 3),
            train,
            test,
            new TextFineTuneOptions { Mode = FineTuneMode.TopK, TopK = 1, MaxLength = 16, BatchSize = 4, Seed = 3 },
            optimizerFactory: (plans, _) => (new AdamW(ParameterGroups.ParametersOf(plans), new AdamWOptions { LearningRate = 1e-3, WeightDecay = 0.01 }), null));
        var epoch = first.EpochMetrics.Where(m => m.Epoch == 1).ToDictionary(m => m.Name, m => m.Value);
        Assert.Equal(direct.Final.TrainLoss, epoch["train_loss"]);
        Assert.Equal(direct.Final.Accuracy, epoch["val_accuracy"]);
        Assert.Equal(direct.Final.F1, epoch["val_f1"]);
        Assert.Equal(test.Count, direct.TestCount);
        Assert.InRange(direct.Final.Accuracy, 0, 1);
    }

    [Fact]
    public void MuonTrainsTheEncodersHiddenMatricesAndAdamWTheEmbeddingsHeadBiasesAndNorms()
    {
        var json = Spec("top-k").Replace("{ \"name\": \"adamw\", \"lr\": 1e-3, \"weight_decay\": 0.01 }",
            "{ \"name\": \"muon\", \"lr\": 1e-3, \"adjust_lr_fn\": \"match_rms_adamw\", \"adamw_lr\": 1e-3 }", StringComparison.Ordinal);
        var spec = SpecParser.Parse(json, EngineCatalog.Instance);
        var catalog = new RecordingCatalog();
        var result = spec.Task.Definition.CreateRun(spec.Task, null).Run(new RunContext(spec, spec.Runs().Single(), catalog));
        Assert.Equal(RunStatus.Completed, result.Status);

        var optimizer = Assert.IsType<CompositeOptimizer>(catalog.Optimizer);
        string NameOf(Parameter p) => catalog.Named.Single(n => ReferenceEquals(n.Parameter, p)).Name;
        var muon = optimizer.Parts[0].Groups.SelectMany(g => g.Parameters).Select(NameOf).ToList();
        var adamw = optimizer.Parts[1].Groups.SelectMany(g => g.Parameters).Select(NameOf).ToList();
        // top_k 1: the last layer's six matrices (query, key, value, attention output, intermediate, output) and the
        // pooler's (unfrozen with them; unused by the sentence-embedding head, so Muon skips it: no gradient) are Muon's.
        Assert.Equal(7, muon.Count);
        Assert.Equal(6, muon.Count(n => System.Text.RegularExpressions.Regex.IsMatch(n, @"^bert\.encoder\.layer\.5\..*\.weight$")));
        Assert.Contains("bert.pooler.dense.weight", muon);
        Assert.DoesNotContain(muon, n => n.Contains("LayerNorm", StringComparison.Ordinal));
        Assert.Contains(adamw, n => n.StartsWith("classifier.", StringComparison.Ordinal));
        Assert.Contains(adamw, n => n.Contains("LayerNorm", StringComparison.Ordinal));
        Assert.Equal(catalog.Named.Count, muon.Count + adamw.Count);
    }

    /// <summary>The engine's catalog, remembering the named parameters it was given and the optimizer it built.</summary>
    private sealed class RecordingCatalog : IOptimizerCatalog
    {
        public IReadOnlyList<(string Name, Parameter Parameter)> Named { get; private set; } = [];

        public Optimizer? Optimizer { get; private set; }

        public IReadOnlyList<string> OptimizerNames => EngineCatalog.Instance.OptimizerNames;

        public IReadOnlyList<string> ScheduleNames => EngineCatalog.Instance.ScheduleNames;

        public Optimizer CreateOptimizer(string name, IReadOnlyList<KeyValuePair<string, HyperparameterValue>> hyperparameters, IReadOnlyList<Parameter> parameters) =>
            throw new InvalidOperationException("the task should pass the parameters' names");

        public Optimizer CreateOptimizer(string name, IReadOnlyList<KeyValuePair<string, HyperparameterValue>> hyperparameters,
            IReadOnlyList<(string Name, Parameter Parameter)> namedParameters)
        {
            Named = namedParameters;
            return Optimizer = EngineCatalog.Instance.CreateOptimizer(name, hyperparameters, namedParameters);
        }

        public Descent.Schedulers.LearningRateScheduler? CreateSchedule(ScheduleSpec schedule, Optimizer optimizer, int totalSteps) =>
            EngineCatalog.Instance.CreateSchedule(schedule, optimizer, totalSteps);
    }

    [Fact]
    public void LpFtRunEqualsTheLibraryPipelineWithTheSpecsOptimizerAfterTheProbe()
    {
        var spec = SpecParser.Parse(Spec("full", "\"init\": \"probe\","), EngineCatalog.Instance);
        var result = spec.Task.Definition.CreateRun(spec.Task, null).Run(new RunContext(spec, spec.Runs().Single(), EngineCatalog.Instance));
        Assert.Equal(RunStatus.Completed, result.Status);

        var (train, test) = TokenizedSubset();
        var direct = TextClassifierFineTuner.Run(
            MiniLm.LoadModel(seed: 3),
            train,
            test,
            new TextFineTuneOptions
            {
                Mode = FineTuneMode.Full, MaxLength = 16, BatchSize = 4, Seed = 3, TopK = 1,
                Head = ClassifierHead.Mlp, Features = HeadFeatures.AllLayersMeanMax, HeadInit = HeadInit.Probe,
            },
            optimizerFactory: (plans, _) => (new AdamW(ParameterGroups.ParametersOf(plans), new AdamWOptions { LearningRate = 1e-3, WeightDecay = 0.01 }), null));
        Assert.NotNull(direct.Probe);
        var epoch = result.EpochMetrics.Where(m => m.Epoch == 1).ToDictionary(m => m.Name, m => m.Value);
        Assert.Equal(direct.Final.TrainLoss, epoch["train_loss"]);
        Assert.Equal(direct.Final.Accuracy, epoch["val_accuracy"]);
        Assert.Equal(direct.Final.F1, epoch["val_f1"]);
    }
}
