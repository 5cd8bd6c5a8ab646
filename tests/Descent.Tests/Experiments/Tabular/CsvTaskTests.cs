using Descent.Data;
using Descent.Experiments.Tabular;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Training;

namespace Descent.Tests.Experiments.Tabular;

public sealed class CsvTaskTests
{
    private const string Adam = """{ "name": "adam", "lr": 0.01 }""";

    private static List<(string, int, int?, double)> Values(RunResult r)
        => [.. r.StepMetrics.Concat(r.EpochMetrics).Select(m => (m.Name, m.Step, m.Epoch, m.Value))];

    private static RunResult RunOne(ExperimentSpec spec, int seed = 0, int configuration = 0)
    {
        spec.Task.Definition.Validate(spec.Task);
        var task = spec.Task.Definition.CreateRun(spec.Task, null);
        var run = spec.Runs().Where(r => r.Seed == seed).ElementAt(configuration);
        return task.Run(new RunContext(spec, run, EngineCatalog.Instance));
    }

    private static IEnumerable<double> Epochs(RunResult r, string metric) => r.EpochMetrics.Where(m => m.Name == metric).Select(m => m.Value);

    [Fact]
    public void StringLabelsTrainAnMlpThatLearnsTheClassesAndRecordsTheDocumentedMetrics()
    {
        using var files = new TabularFiles();
        files.Classification("train.csv", 150, seed: 1);
        files.Classification("val.csv", 60, seed: 2);
        var spec = files.Spec("""
            "kind": "csv", "train": "train.csv", "validation": "val.csv", "target": "label", "problem": "classification",
            "model": { "hidden": [16, 8], "activation": "relu", "dropout": 0.1 }, "batch_size": 16
            """, epochs: 15);
        Assert.Equal("val_accuracy", spec.Metric);
        Assert.Equal(MetricGoal.Maximize, spec.Goal);
        var data = ((TabularKind)spec.Task.Definition).Data(spec.Task);

        // Classes sorted ordinally; the text column "name" is left out, a, b and c are the features.
        Assert.Equal(["cat", "dog", "emu"], data.Train.ClassNames);
        Assert.Equal(3, data.Inputs);
        var r = RunOne(spec);
        Assert.Equal(RunStatus.Completed, r.Status);
        Assert.Equal(15 * 10, r.Steps);
        foreach (var name in TabularKind.ClassificationMetrics.Skip(1))
        {
            Assert.Equal(Enumerable.Range(0, 16), r.EpochMetrics.Where(m => m.Name == name).Select(m => m.Epoch!.Value));
        }

        Assert.True(Epochs(r, "val_accuracy").Last() >= 0.95, string.Join(", ", Epochs(r, "val_accuracy")));
        Assert.True(Epochs(r, "val_macro_f1").Last() >= 0.95);
        Assert.True(Epochs(r, "val_loss").Last() < Epochs(r, "val_loss").First());
    }

    [Fact]
    public void IntegerLabelsAreSortedNumericallyAndMacroF1IsTheMeanOfTheClassesF1()
    {
        using var files = new TabularFiles();
        files.Classification("train.csv", 90, seed: 3, labels: ["10", "2", "1"]);
        var spec = files.Spec(""" "kind": "csv", "train": "train.csv", "target": "label", "features": ["b", "a"] """, epochs: 2);
        var data = ((TabularKind)spec.Task.Definition).Data(spec.Task);
        Assert.Equal(["1", "2", "10"], data.Train.ClassNames);
        Assert.Equal(2, data.Inputs);

        var r = RunOne(spec);
        var split = data.For(0);
        var model = ((TabularTask)spec.Task.Definition.CreateRun(spec.Task, null)).Model(0);
        model.Eval();
        var predicted = model.Forward(split.Validation.Features).ArgMax();
        var truth = split.Validation.Labels.ToArray();
        var f1 = Enumerable.Range(0, 3).Select(c =>
        {
            double tp = truth.Zip(predicted).Count(p => p.First == c && p.Second == c);
            double fp = truth.Zip(predicted).Count(p => p.First != c && p.Second == c);
            double fn = truth.Zip(predicted).Count(p => p.First == c && p.Second != c);
            return tp == 0 ? 0 : 2 * tp / ((2 * tp) + fp + fn);
        }).Average();
        Assert.Equal(f1, Epochs(r, "val_macro_f1").First(), 12);
    }

    [Fact]
    public void RegressionRecordsMseAsValidationLossAndItsRootAsRmse()
    {
        using var files = new TabularFiles();
        files.Regression("data.csv", 200, seed: 4);
        var spec = files.Spec("""
            "kind": "csv", "train": "data.csv", "target": "y", "problem": "regression", "validation_fraction": 0.25,
            "model": { "hidden": [16], "activation": "tanh" }, "batch_size": 20
            """, epochs: 20);
        Assert.Equal("val_rmse", spec.Metric);
        Assert.Equal(MetricGoal.Minimize, spec.Goal);
        var r = RunOne(spec);
        Assert.Equal(RunStatus.Completed, r.Status);
        Assert.Equal(["loss", "train_loss", "val_loss", "val_rmse"], r.StepMetrics.Concat(r.EpochMetrics).Select(m => m.Name).Distinct().Order(StringComparer.Ordinal));
        foreach (var (mse, rmse) in Epochs(r, "val_loss").Zip(Epochs(r, "val_rmse")))
        {
            Assert.Equal(Math.Sqrt(mse), rmse, 12);
        }

        // 200 rows, 50 held out: 150 / 20 → 8 steps per epoch; the fit improves well below the target's spread (~0.6).
        Assert.Equal(20 * 8, r.Steps);
        Assert.True(Epochs(r, "val_rmse").Last() < 0.2, string.Join(", ", Epochs(r, "val_rmse")));
    }

    [Fact]
    public void RunsAreDeterministicPerSeedAndTheSplitFollowsTheSeed()
    {
        using var files = new TabularFiles();
        files.Classification("train.csv", 90, seed: 5);
        var spec = files.Spec(""" "kind": "csv", "train": "train.csv", "target": "label", "model": { "dropout": 0.2 } """, epochs: 2);
        var a = RunOne(spec, seed: 0);
        Assert.Equal(Values(a), Values(RunOne(spec, seed: 0)));
        Assert.NotEqual(Values(a), Values(RunOne(spec, seed: 1)));

        // Stratified: each class gives round(0.2 × 30) = 6 of its 30 rows; another seed holds out other rows.
        var data = ((TabularKind)spec.Task.Definition).Data(spec.Task);
        var s0 = data.For(0);
        Assert.Equal([6, 6, 6], s0.Validation.ClassCounts());
        Assert.Equal(72, s0.Train.Count);
        Assert.NotEqual(s0.Validation.Features.ToArray(), data.For(1).Validation.Features.ToArray());
        Assert.Same(s0, data.For(0));
    }

    [Fact]
    public void StandardizationUsesTheTrainingRowsStatisticsOnly()
    {
        using var files = new TabularFiles();
        files.Classification("train.csv", 60, seed: 6);
        files.Classification("val.csv", 30, seed: 7);
        var spec = files.Spec(""" "kind": "csv", "train": "train.csv", "validation": "val.csv", "target": "label" """);
        var data = ((TabularKind)spec.Task.Definition).Data(spec.Task);
        var split = data.For(0);
        var raw = CsvDataset.Load(files.Dir.Sub("train.csv"), "label");
        var rawValidation = CsvDataset.Load(files.Dir.Sub("val.csv"), "label");
        for (var j = 0; j < 3; j++)
        {
            var column = Enumerable.Range(0, raw.Count).Select(i => (double)raw.Features.Span[(i * 3) + j]).ToArray();
            var mean = column.Average();
            var std = Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Average());
            for (var i = 0; i < rawValidation.Count; i++)
            {
                Assert.Equal((rawValidation.Features.Span[(i * 3) + j] - mean) / std, split.Validation.Features.Span[(i * 3) + j], 4);
            }

            Assert.Equal(0, Enumerable.Range(0, split.Train.Count).Average(i => split.Train.Features.Span[(i * 3) + j]), 5);
        }

        var plain = files.Spec(""" "kind": "csv", "train": "train.csv", "validation": "val.csv", "target": "label", "standardize": false """);
        Assert.Equal(rawValidation.Features.ToArray(), ((TabularKind)plain.Task.Definition).Data(plain.Task).For(0).Validation.Features.ToArray());
    }

    [Fact]
    public void FingerprintHoldsEachFilesHashSoAnEditedFileDoesNotMixWithStoredRuns()
    {
        using var files = new TabularFiles();
        files.Classification("train.csv", 30, seed: 8);
        var spec = files.Spec(""" "kind": "csv", "train": "train.csv", "target": "label" """);
        var before = spec.Task.Definition.Fingerprint(spec.Task);
        Assert.Contains("train=sha256:", before, StringComparison.Ordinal);
        Assert.Equal(before, spec.Task.Definition.Fingerprint(spec.Task));
        files.Classification("train.csv", 30, seed: 9);
        Assert.NotEqual(before, spec.Task.Definition.Fingerprint(spec.Task));
    }

    [Theory]
    [InlineData("val_macro_f1", MetricGoal.Maximize)]
    [InlineData("val_accuracy", MetricGoal.Maximize)]
    [InlineData("val_loss", MetricGoal.Minimize)]
    public void TargetMetricsGetTheirNaturalDirection(string metric, MetricGoal goal)
    {
        using var files = new TabularFiles();
        var spec = files.Spec(""" "kind": "csv", "train": "t.csv", "target": "y" """, target: $$""" "target": { "metric": "{{metric}}", "value": 0.5 }, """);
        Assert.Equal(goal, spec.Goal);
        Assert.Equal(goal, SpecParser.GoalOf(metric));
    }

    [Fact]
    public void SpecErrorsAreReportedWithTheirPaths()
    {
        using var files = new TabularFiles();
        var e = Assert.Throws<SpecValidationException>(() => files.Spec("""
            "kind": "csv", "train": "t.csv", "validation": "v.csv", "validation_fraction": 0.3, "problem": "ranking",
            "model": { "hidden": [0], "activation": "swish", "dropout": 1, "depth": 3 }, "features": []
            """));
        foreach (var fragment in new[]
        {
            "$.task: missing required property \"target\"", "$.task.problem: must be \"classification\" or \"regression\"",
            "$.task.model.hidden: must be an array of layer widths", "$.task.model.activation: must be \"relu\" or \"tanh\" or \"gelu\" or \"sigmoid\"",
            "$.task.model.dropout: must be a number in [0, 1)", "$.task.model.depth: unknown property", "$.task.features: must be a non-empty array",
            "$.task.validation_fraction: a validation file is named",
        })
        {
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), e.Message);
        }

        var metric = Assert.Throws<SpecValidationException>(() => files.Spec(""" "kind": "csv", "train": "t.csv", "target": "y", "problem": "regression" """,
            target: """ "target": { "metric": "val_accuracy", "value": 0.9 }, """));
        Assert.Contains("task csv does not report 'val_accuracy'; it reports loss, train_loss, val_loss, val_rmse", metric.Message, StringComparison.Ordinal);
        var elsewhere = Assert.Throws<SpecValidationException>(() => files.Spec(""" "kind": "digits-mlp", "train": "t.csv", "model": {} """));
        Assert.Contains("$.task.train: applies to csv only, not digits-mlp", elsewhere.Message, StringComparison.Ordinal);
        Assert.Contains("$.task.model: applies to csv and idx only, not digits-mlp", elsewhere.Message, StringComparison.Ordinal);
    }
}
