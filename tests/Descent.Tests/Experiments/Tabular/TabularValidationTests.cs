using Descent.Checkpoints;
using Descent.Data;
using Descent.Experiments.Tabular;
using Descent.Lab.Specs;
using Descent.Tests.Cli;

namespace Descent.Tests.Experiments.Tabular;

/// <summary>Everything a <c>csv</c>, <c>idx</c> or <c>init</c> spec names is opened and checked before the first run: the
/// error names the file, the line and the column, and nothing is stored.</summary>
public sealed class TabularValidationTests
{
    private const string Task = """ "kind": "csv", "train": "train.csv", "validation": "val.csv", "target": "label" """;

    public static TheoryData<string, string, string, string[]> BadCsv => new()
    {
        { "missing file", Task, "", ["$.task.validation: '", "val.csv' does not exist"] },
        { "empty file", Task, "", ["val.csv: end of file: expected a header line naming the columns, found an empty file"] },
        { "missing target", """ "kind": "csv", "train": "train.csv", "target": "species" """, "", ["train.csv: the header: expected a target column named 'species', found the columns name, a, b, c, label"] },
        { "missing feature", """ "kind": "csv", "train": "train.csv", "target": "label", "features": ["a", "d"] """, "", ["train.csv: the header: expected a feature column named 'd'"] },
        { "non-numeric feature", Task, "name,a,b,c,label\nv0,1,2,3,cat\nv1,1,2\u001b[31m,3,dog\n", ["val.csv: line 3, column 6 ('b'): expected a number in the feature column, found '2\\e[31m'"] },
        { "label only in validation", Task, "name,a,b,c,label\nv0,1,2,3,cat\nv1,1,2,3,fox\n", ["val.csv: line 3, column 10 ('label'): expected one of the 3 classes of the training data (cat, dog, emu), found 'fox'"] },
        { "too few rows", """ "kind": "csv", "train": "small.csv", "target": "label", "validation_fraction": 0.1 """, "", ["small.csv: 3 rows are too few to hold out validation_fraction 0.1 (0 validation and 3 training rows)"] },
        { "one class", """ "kind": "csv", "train": "one.csv", "target": "label" """, "", ["one.csv: the training data has 1 class (cat); classification needs at least 2"] },
        { "regression target", """ "kind": "csv", "train": "train.csv", "target": "label", "problem": "regression" """, "", ["train.csv: line 2, column", "('label'): expected a number in the target column, found 'emu'"] },
    };

    [Theory]
    [MemberData(nameof(BadCsv))]
    public void BadCsvInputFailsBeforeAnyRunNamingFileRowAndColumn(string name, string task, string validation, string[] fragments)
    {
        using var files = new TabularFiles();
        files.Classification("train.csv", 30, seed: 1);
        files.Write("small.csv", "a,label\n1,cat\n2,dog\n3,emu\n");
        files.Write("one.csv", "a,label\n1,cat\n2,cat\n3,cat\n4,cat\n5,cat\n");
        if (name != "missing file")
        {
            files.Write("val.csv", validation);
        }

        var spec = files.Spec(task);
        var e = Assert.ThrowsAny<Exception>(() => spec.Task.Definition.Validate(spec.Task));
        Assert.True(e is SpecValidationException or DataFormatException, e.ToString());
        foreach (var fragment in fragments)
        {
            Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), e.Message);
        }

        // Through the CLI: the input-error exit code, the same message, and no output folder.
        var specPath = files.Write("spec.json", TabularFiles.SpecText(task));
        var output = files.Dir.Sub("out");
        var (code, _, error) = CliHarness.Run("compare", specPath, "--out", output);
        Assert.Equal(Descent.Cli.ExitCodes.Error, code);
        Assert.True(error.Contains(fragments[^1], StringComparison.Ordinal), error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void InitCheckpointStartsEveryRunAndAMisfitOrNonFiniteTensorIsNamed()
    {
        using var files = new TabularFiles();
        files.Classification("train.csv", 30, seed: 2);
        var model = TabularModel.Default with { Hidden = [8] };
        SafetensorsFile.Write(files.Dir.Sub("init.safetensors"), model.Build(3, 3, seed: 42).StateDict());
        const string With = """ "kind": "csv", "train": "train.csv", "target": "label", "model": { "hidden": [8] }, "init": "init.safetensors" """;
        var spec = files.Spec(With);
        spec.Task.Definition.Validate(spec.Task);
        var task = (TabularTask)spec.Task.Definition.CreateRun(spec.Task, null);
        var expected = model.Build(3, 3, seed: 42).StateDict();
        foreach (var seed in new[] { 0, 1 })
        {
            foreach (var (key, value) in task.Model(seed).StateDict())
            {
                Assert.Equal(expected[key].ToArray(), value.ToArray());
            }
        }

        var wide = files.Spec(With.Replace("[8]", "[9]", StringComparison.Ordinal));
        var misfit = Assert.Throws<SpecValidationException>(() => wide.Task.Definition.Validate(wide.Task));
        Assert.Contains("$.task.init (a checkpoint of the $.task.model MLP): ", misfit.Message, StringComparison.Ordinal);
        Assert.Contains("0.weight: expected [9, 3], found [8, 3]", misfit.Message, StringComparison.Ordinal);

        var state = model.Build(3, 3, seed: 42).StateDict();
        state["0.bias"].Span[3] = float.NaN;
        SafetensorsFile.Write(files.Dir.Sub("init.safetensors"), state);
        var nan = Assert.Throws<SpecValidationException>(() => spec.Task.Definition.Validate(spec.Task));
        Assert.Contains("init.safetensors: tensor '0.bias' holds a non-finite value (NaN at index 3)", nan.Message, StringComparison.Ordinal);
    }
}
