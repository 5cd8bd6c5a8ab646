using Descent.Tests.Text.Classification;
using System.Globalization;
using Descent.Data;
using Descent.Experiments.Article;
using Descent.Experiments.Transfer;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Text.Transformers;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Descent.Text;
using Descent.Text.Classification;
using Descent.Training;
using GuardedRunner = Descent.Experiments.Runs.GuardedRunner;

namespace Descent.Tests.Training;

/// <summary>
/// Characterization of every training loop that issue 13 replaces by the <see cref="Learner"/>: each test runs a loop
/// for fixed seeds and compares its losses, metrics and final parameters, bit for bit, with the values the loop
/// produced before the refactoring (recorded once from the old loops in <c>Characterization/*.txt</c>; set
/// <c>DESCENT_RECORD_CHARACTERIZATION=1</c> to record a missing file — never to overwrite a failing one).
/// </summary>
public sealed class LoopCharacterizationTests
{
    private static string FileOf(string name) =>
        Path.Combine(Golden.RepositoryRoot, "tests", "Descent.Tests", "Training", "Characterization", name + ".txt");

    /// <summary>Compares <paramref name="values"/> (name, value) with the recording, bitwise.</summary>
    private static void AssertRecorded(string name, IReadOnlyList<(string Key, double Value)> values)
    {
        var path = FileOf(name);
        var lines = values.Select(v => v.Key + " " + BitConverter.DoubleToInt64Bits(v.Value).ToString("X16", CultureInfo.InvariantCulture)
            + " " + v.Value.ToString("R", CultureInfo.InvariantCulture)).ToList();
        if (!File.Exists(path) && Environment.GetEnvironmentVariable("DESCENT_RECORD_CHARACTERIZATION") == "1")
        {
            File.WriteAllLines(path, lines);
        }

        Assert.True(File.Exists(path), $"no recording {path}");
        var expected = File.ReadAllLines(path);
        Assert.Equal(expected.Length, lines.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], lines[i]);
        }
    }

    private static IEnumerable<(string, double)> Parameters(string prefix, Module model) =>
        model.NamedParameters().SelectMany(p => p.Parameter.Span.ToArray().Select((v, i) => ($"{prefix}{p.Name}[{i}]", (double)v)));

    /// <summary>Per parameter: an FNV-1a hash of its float bits (in the key) and its sum in double.</summary>
    private static IEnumerable<(string, double)> Digests(string prefix, Module model) =>
        model.NamedParameters().Select(p =>
        {
            var hash = 14695981039346656037UL;
            double sum = 0;
            foreach (var v in p.Parameter.Span)
            {
                hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211UL;
                sum += v;
            }

            return ($"{prefix}{p.Name}#{hash:X16}", sum);
        });

    [Fact]
    public void TrainerHistoryAndWeights()
    {
        var all = Datasets.Digits().Reshape(1, 8, 8);
        var (train, val) = all.TakePerClass(20, seed: 1).Split(0.25, seed: 2);
        var model = SmallCnn.Create(10, new Rng(7), imageSize: 8, dropout: 0.2, dropoutSeed: 7);
        var adam = new Adam(model.Parameters(), new AdamOptions { LearningRate = 3e-3 });
        var r = new Trainer(model, adam, new TrainerOptions { Epochs = 3 }).Fit(new DataLoader(train, 16, shuffle: true, seed: 3), val);
        var values = new List<(string, double)>();
        foreach (var e in r.History)
        {
            values.Add(($"epoch{e.Epoch}.train_loss", e.TrainLoss));
            values.Add(($"epoch{e.Epoch}.train_accuracy", e.TrainAccuracy));
            values.Add(($"epoch{e.Epoch}.val_loss", e.ValidationLoss!.Value));
            values.Add(($"epoch{e.Epoch}.val_accuracy", e.ValidationAccuracy!.Value));
        }

        values.Add(("steps", r.Steps));
        values.Add(("best_epoch", r.BestEpoch));
        values.AddRange(Parameters("", model));
        AssertRecorded("trainer", values);
    }

    [Theory]
    [InlineData("digits", """{ "kind": "digits-mlp", "hidden": [16], "batch_size": 64, "l2": 0.01 }""", """{ "epochs": 2 }""", """{ "name": "adam", "lr": 0.01 }""", null)]
    [InlineData("digits-steps", """{ "kind": "digits-mlp", "hidden": [8], "batch_size": 100 }""", """{ "steps": 20 }""", """{ "name": "sgd", "lr": 0.1, "momentum": 0.9 }""", "cosine")]
    [InlineData("linear", """{ "kind": "linear-regression", "samples": 64 }""", """{ "steps": 40 }""", """{ "name": "adam", "lr": 0.05 }""", "cosine")]
    [InlineData("mlp", """{ "kind": "mlp-regression", "samples": 64 }""", """{ "steps": 40 }""", """{ "name": "sgd", "lr": 0.05, "momentum": 0.9 }""", null)]
    [InlineData("rosenbrock", """{ "kind": "rosenbrock", "noise": 0.1 }""", """{ "steps": 50 }""", """{ "name": "adam", "lr": 0.01 }""", "cosine")]
    [InlineData("beale-diverges", """{ "kind": "beale" }""", """{ "steps": 50 }""", """{ "name": "sgd", "lr": 10 }""", null)]
    [InlineData("mlp-diverges", """{ "kind": "mlp-regression", "samples": 64 }""", """{ "steps": 40 }""", """{ "name": "sgd", "lr": 5 }""", null)]
    public void LabTaskMetrics(string name, string task, string budget, string optimizer, string? schedule)
    {
        var scheduleJson = schedule is null ? "" : $$""", "schedule": { "name": "{{ScheduleName(schedule)}}" }""";
        var json = $$"""{ "name": "c-{{name}}", "task": {{task}}, "budget": {{budget}}, "seeds": [3], "optimizers": [ {{optimizer}} ]{{scheduleJson}} }""";
        var spec = SpecParser.Parse(json, EngineCatalog.Instance);
        var result = spec.Task.Definition.CreateRun(spec.Task, null).Run(new RunContext(spec, spec.Runs().Single(), EngineCatalog.Instance));
        var values = new List<(string, double)> { ("status", (int)result.Status), ("steps", result.Steps), ("message:" + result.Message, 0) };
        values.AddRange(result.StepMetrics.Select(m => ($"{m.Name}@{m.Step}", m.Value)));
        values.AddRange(result.EpochMetrics.Select(m => ($"{m.Name}@e{m.Epoch}s{m.Step}", m.Value)));
        AssertRecorded("lab-" + name, values);
    }

    private static string ScheduleName(string s) => s == "cosine" ? "CosineAnnealingLR" : s;

    [Fact]
    public void LogisticRegressionLossesAndWeights()
    {
        var rng = new Rng(11);
        var rows = new List<SparseFeatures>();
        var labels = new List<int>();
        for (var i = 0; i < 50; i++)
        {
            var idx = Enumerable.Range(0, 12).Where(_ => rng.NextDouble() < 0.4).ToArray();
            var vals = idx.Select(_ => (float)rng.NextDouble()).ToArray();
            rows.Add(new SparseFeatures(idx, vals));
            labels.Add(idx.Contains(3) ? 1 : 0);
        }

        var values = new List<(string, double)>();
        foreach (var opt in new[] { "sgd-momentum", "adamw" })
        {
            var lr = new LogisticRegression(12, new LogisticRegressionOptions { Optimizer = opt, LearningRate = 0.1, Epochs = 4, BatchSize = 8, Seed = 2, WeightDecay = 0.01 });
            lr.Fit(rows, labels);
            values.AddRange(lr.EpochLosses.Select((l, i) => ($"{opt}.epoch{i + 1}", l)));
            values.AddRange(Parameters(opt + ".", lr.Layer));
        }

        AssertRecorded("logistic-regression", values);
    }

    [Fact]
    public void DemoLosses()
    {
        var settings = new DemoSettings(11, 40, null);
        var values = new List<(string, double)>();
        var runner = new GuardedRunner(40);
        foreach (var run in DemoExperiment.LinearRegressionRuns(settings).Concat(DemoExperiment.MlpRuns(settings)))
        {
            var r = runner.Run(run);
            values.AddRange(r.Losses.Select((l, i) => ($"{run.Name}@{i}", (double)l)));
        }

        var diverging = DemoExperiment.MlpRuns(settings with { LearningRate = 50 });
        foreach (var run in diverging)
        {
            var r = runner.Run(run);
            values.Add(($"{run.Name}.lr50.status", (int)r.Status));
            values.AddRange(r.Losses.Select((l, i) => ($"{run.Name}.lr50@{i}", (double)l)));
        }

        AssertRecorded("demo", values);
    }

    private static BertConfig Tiny => TextClassifierFineTunerTests.Tiny;

    private static string[] Texts => TextClassifierFineTunerTests.Texts;

    private static int[] Labels => TextClassifierFineTunerTests.Labels;

    [Theory]
    [InlineData("full-adamw", FineTuneMode.Full, FineTuneOptimizer.AdamW, HeadInit.Random, null)]
    [InlineData("topk-sgd-clip", FineTuneMode.TopK, FineTuneOptimizer.Sgd, HeadInit.Random, 0.5)]
    [InlineData("head-adam", FineTuneMode.Head, FineTuneOptimizer.Adam, HeadInit.Random, null)]
    [InlineData("full-lpft", FineTuneMode.Full, FineTuneOptimizer.AdamW, HeadInit.Probe, 1.0)]
    public void FineTunerEpochsAndWeights(string name, FineTuneMode mode, FineTuneOptimizer optimizer, HeadInit init, double? clip)
    {
        var tokenized = TokenizedTexts.Create(MiniLm.CreateTokenizer(12), Texts, Labels);
        var options = new TextFineTuneOptions
        {
            Mode = mode, TopK = 1, Optimizer = optimizer, BatchSize = 3, Epochs = 2, MaxLength = 12, Seed = 5, HeadInit = init,
            MaxGradNorm = clip, LengthWindow = 1, // the recorded loop: no length bucketing …
        };
        var encoder = new BertModel(Tiny, new Rng(1));
        encoder.UseKernelPath(KernelPath.Reference); // … and the unfused attention (whose rounding the recording holds)
        var r = TextClassifierFineTuner.Run(encoder, tokenized, tokenized, options);
        var values = new List<(string, double)> { ("steps", r.Steps), ("trainable", r.TrainableParameters) };
        foreach (var e in (r.Probe?.Epochs ?? []).Select(e => ("probe.", e)).Concat(r.Epochs.Select(e => ("", e))))
        {
            values.Add(($"{e.Item1}epoch{e.e.Epoch}.loss", e.e.TrainLoss));
            values.Add(($"{e.Item1}epoch{e.e.Epoch}.accuracy", e.e.Accuracy));
            values.Add(($"{e.Item1}epoch{e.e.Epoch}.f1", e.e.F1));
        }

        values.AddRange(Digests("encoder.", encoder));
        AssertRecorded("finetune-" + name, values);
    }

    [Fact]
    public void FineTunerLabFactoryRun()
    {
        var tokenized = TokenizedTexts.Create(MiniLm.CreateTokenizer(12), Texts, Labels);
        var options = new TextFineTuneOptions { Mode = FineTuneMode.Full, BatchSize = 4, Epochs = 2, MaxLength = 12, Seed = 3, LengthWindow = 1 };
        var encoder = new BertModel(Tiny, new Rng(2));
        encoder.UseKernelPath(KernelPath.Reference);
        var losses = new List<(string, double)>();
        var r = TextClassifierFineTuner.Run(encoder, tokenized, tokenized, options,
            p =>
            {
                if (p.Phase == "train")
                {
                    losses.Add(($"step{losses.Count}", p.StepLoss));
                }
            },
            optimizerFactory: (plans, total) => (new Sgd(ParameterGroups.ParametersOf(plans), new SgdOptions { LearningRate = 0.05, Momentum = 0.9 }), null));
        losses.AddRange(r.Epochs.Select(e => ($"epoch{e.Epoch}.accuracy", e.Accuracy)));
        AssertRecorded("finetune-factory", losses);
    }
}
