using Descent.Data;
using Descent.Experiments.Tabular;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;

namespace Descent.Tests.Experiments.Tabular;

public sealed class IdxTaskTests
{
    private const string Task = """
        "kind": "idx", "train_images": "train-images.gz", "train_labels": "train-labels.gz",
        "validation_images": "val-images", "validation_labels": "val-labels", "model": { "hidden": [16] }, "batch_size": 8
        """;

    /// <summary><paramref name="count"/> size×size images of classes 0–2: class k lights the k-th third of the rows.</summary>
    private static void WriteImages(TabularFiles files, string images, string labels, int count, int size, bool gzip, int seed, byte[]? labelValues = null)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * size * size];
        var classes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            classes[i] = labelValues?[i % labelValues.Length] ?? (byte)(i % 3);
            for (var p = 0; p < size * size; p++)
            {
                var lit = (p / size) * 3 / size == classes[i] % 3;
                pixels[(i * size * size) + p] = (byte)((lit ? 160 : 0) + rng.Next(60));
            }
        }

        IdxWriter.WriteBytes(files.Dir.Sub(images), pixels, [count, size, size], gzip);
        IdxWriter.WriteBytes(files.Dir.Sub(labels), classes, [count], gzip);
    }

    [Fact]
    public void ImagesAreFlattenedScaledAndClassifiedDeterministically()
    {
        using var files = new TabularFiles();
        WriteImages(files, "train-images.gz", "train-labels.gz", 48, 6, gzip: true, seed: 1);
        WriteImages(files, "val-images", "val-labels", 24, 6, gzip: false, seed: 2);
        var spec = files.Spec(Task, epochs: 6);
        spec.Task.Definition.Validate(spec.Task);
        var data = ((TabularKind)spec.Task.Definition).Data(spec.Task);
        Assert.Equal(36, data.Inputs);
        Assert.Equal(3, data.Outputs);
        Assert.InRange(data.Train.Features.ToArray().Max(), 160f / 255, 1f);

        var task = spec.Task.Definition.CreateRun(spec.Task, null);
        var run = spec.Runs().First(r => r.Seed == 0);
        var a = task.Run(new RunContext(spec, run, EngineCatalog.Instance));
        var b = task.Run(new RunContext(spec, run, EngineCatalog.Instance));
        Assert.Equal(RunStatus.Completed, a.Status);
        Assert.Equal(a.EpochMetrics.Select(m => m.Value), b.EpochMetrics.Select(m => m.Value));
        Assert.Equal(1.0, a.EpochMetrics.Last(m => m.Name == "val_accuracy").Value);
    }

    [Theory]
    [InlineData("count", "val-labels: byte 4: expected 24 labels, one per image of")]
    [InlineData("size", "val-images: byte 8: expected images of 6×6 pixels, as in")]
    [InlineData("label", "val-labels: label 1: expected a class of the training labels")]
    [InlineData("pair", "$.task.validation_labels: validation_images and validation_labels go together")]
    public void MismatchedIdxFilesFailBeforeAnyRun(string problem, string fragment)
    {
        using var files = new TabularFiles();
        WriteImages(files, "train-images.gz", "train-labels.gz", 30, 6, gzip: true, seed: 1, labelValues: [0, 1, 3]);
        WriteImages(files, "val-images", "val-labels", 24, problem == "size" ? 5 : 6, gzip: false, seed: 2, labelValues: problem == "label" ? [0, 2] : [0, 1]);
        if (problem == "count")
        {
            WriteImages(files, "other-images", "val-labels", 20, 6, gzip: false, seed: 3, labelValues: [0]);
        }

        var e = Assert.ThrowsAny<Exception>(() =>
        {
            var spec = files.Spec(problem == "pair" ? Task.Replace("\"validation_labels\": \"val-labels\",", "", StringComparison.Ordinal) : Task);
            spec.Task.Definition.Validate(spec.Task);
        });
        Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), e.Message);
    }
}
