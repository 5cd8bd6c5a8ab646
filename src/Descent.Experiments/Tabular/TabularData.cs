using System.Collections.Concurrent;
using System.Globalization;
using Descent.Data;
using Descent.Lab.Specs;
using Descent.Training;

namespace Descent.Experiments.Tabular;

/// <summary>
/// The data of a <c>csv</c> or <c>idx</c> task, read and checked once (<see cref="TabularKind.Validate"/>) and shared
/// by its runs: the training samples, the validation samples when files name them, the classes (classification) or
/// the targets (regression), and each seed's split (<see cref="For"/>).
/// </summary>
public sealed class TabularData
{
    private readonly ConcurrentDictionary<int, Lazy<TabularSplit>> splits = new();
    private readonly TabularSettings settings;

    private TabularData(TabularSettings settings, CsvProblem problem, Dataset train, float[]? trainTargets, Dataset? validation, float[]? validationTargets)
    {
        this.settings = settings;
        Problem = problem;
        Train = train;
        TrainTargets = trainTargets;
        Validation = validation;
        ValidationTargets = validationTargets;
        var source = settings.Files[0].Path;
        if (train.SampleSize == 0)
        {
            throw new SpecValidationException($"{Printable.Escape(source)}: no numeric feature column; name the features with $.task.features");
        }

        if (problem == CsvProblem.Classification && train.NumClasses < 2)
        {
            throw new SpecValidationException($"{Printable.Escape(source)}: the training data has {train.NumClasses} class ({Printable.Escape(train.ClassNames[0])}); classification needs at least 2");
        }

        if (validation is null)
        {
            var (t, v) = train.SplitIndices(settings.ValidationFraction, 0, Stratified);
            if (t.Length == 0 || v.Length == 0)
            {
                throw new SpecValidationException(string.Create(CultureInfo.InvariantCulture,
                    $"{Printable.Escape(source)}: {train.Count} rows are too few to hold out validation_fraction {settings.ValidationFraction} " +
                    $"({v.Length} validation and {t.Length} training rows); add rows, change $.task.validation_fraction or name a validation file"));
            }
        }
    }

    /// <summary>Classification or regression.</summary>
    public CsvProblem Problem { get; }

    /// <summary>The training samples as read (all of them, before a split), [N, inputs].</summary>
    public Dataset Train { get; }

    /// <summary>The regression targets of <see cref="Train"/>; null for classification.</summary>
    public float[]? TrainTargets { get; }

    /// <summary>The validation samples when files name them; null when each run splits <see cref="Train"/>.</summary>
    public Dataset? Validation { get; }

    /// <summary>The regression targets of <see cref="Validation"/>; null for classification or without validation files.</summary>
    public float[]? ValidationTargets { get; }

    /// <summary>Values per sample (the model's inputs).</summary>
    public int Inputs => Train.SampleSize;

    /// <summary>The model's outputs: the classes, or 1 for regression.</summary>
    public int Outputs => Problem == CsvProblem.Classification ? Train.NumClasses : 1;

    private bool Stratified => Problem == CsvProblem.Classification;

    /// <summary>Reads and checks the files of a <c>csv</c> task: a missing or empty file, a missing column, a
    /// non-numeric value or a label only in the validation file fails here with the file, line and column.</summary>
    public static TabularData Read(CsvSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var train = CsvDataset.Load(Existing("train", settings.Train), settings.Target, settings.Problem, settings.Features);
        var validation = settings.Validation is null
            ? null
            : CsvDataset.Load(Existing("validation", settings.Validation), settings.Target, settings.Problem, train.FeatureNames,
                settings.Problem == CsvProblem.Classification ? train.Classes : null);
        var (t, tt) = Samples(train);
        var (v, vt) = validation is null ? (null, null) : Samples(validation);
        return new TabularData(settings, settings.Problem, t, tt, v, vt);
    }

    /// <summary>Reads and checks the files of an <c>idx</c> task: images [count, rows, columns] scaled to [0, 1] and
    /// flattened, integer labels (classes 0 … the largest training label), counts that agree, validation images of
    /// the training images' size and no validation label the training labels lack.</summary>
    public static TabularData Read(IdxSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var labels = IdxReader.Read(Existing("train_labels", settings.TrainLabels));
        var classes = labels.Dimensions.Length == 1 && labels.Count > 0
            ? (int)Math.Clamp(Enumerable.Range(0, labels.Count).Max(labels.GetValue), 0, ushort.MaxValue) + 1
            : 1;
        var train = Datasets.FromIdx(Existing("train_images", settings.TrainImages), settings.TrainLabels, classes);
        Dataset? validation = null;
        if (settings.ValidationImages is not null && settings.ValidationLabels is not null)
        {
            validation = Datasets.FromIdx(Existing("validation_images", settings.ValidationImages), Existing("validation_labels", settings.ValidationLabels), classes);
            if (!validation.SampleShape.SequenceEqual(train.SampleShape))
            {
                throw new DataFormatException(settings.ValidationImages, "byte 8", $"images of {Size(train)} pixels, as in {settings.TrainImages}", $"{Size(validation)} pixels");
            }

            var counts = train.ClassCounts();
            for (var i = 0; i < validation.Count; i++)
            {
                if (counts[validation.Labels[i]] == 0)
                {
                    throw new DataFormatException(settings.ValidationLabels, string.Create(CultureInfo.InvariantCulture, $"label {i}"),
                        $"a class of the training labels ({settings.TrainLabels})", $"{validation.Labels[i]}, which no training image has");
                }
            }
        }

        return new TabularData(settings, CsvProblem.Classification, Flat(train), null, validation is null ? null : Flat(validation), null);
    }

    /// <summary>The training and validation sets of the run with <paramref name="seed"/>: the validation files, or a
    /// split of the training data by the seed (stratified for classification); standardized with the training set's
    /// statistics (per input for <c>csv</c>, over all pixels for <c>idx</c>) when the task says so. Computed once per seed.</summary>
    public TabularSplit For(int seed) => splits.GetOrAdd(seed, s => new Lazy<TabularSplit>(() => Compute(s))).Value;

    private TabularSplit Compute(int seed)
    {
        Dataset train = Train, validation;
        float[]? trainTargets = TrainTargets, validationTargets;
        if (Validation is not null)
        {
            (validation, validationTargets) = (Validation, ValidationTargets);
        }
        else
        {
            var (t, v) = Train.SplitIndices(settings.ValidationFraction, (ulong)seed, Stratified);
            (train, validation) = (Train.Subset(t), Train.Subset(v));
            trainTargets = TrainTargets is null ? null : [.. t.Select(i => TrainTargets[i])];
            validationTargets = TrainTargets is null ? null : [.. v.Select(i => TrainTargets[i])];
        }

        if (settings.Standardize)
        {
            var normalization = Normalization.Fit(train, perChannel: settings is CsvSettings);
            (train, validation) = (train.Normalize(normalization), validation.Normalize(normalization));
        }

        return new TabularSplit(train, trainTargets, validation, validationTargets);
    }

    private static (Dataset Samples, float[]? Targets) Samples(CsvDataset csv) =>
        csv.Problem == CsvProblem.Classification
            ? (csv.ToDataset(), null)
            : (new Dataset(csv.Features, new int[csv.Count], 1), csv.Targets.Span.ToArray());

    private static Dataset Flat(Dataset images) => images.Reshape(images.SampleSize);

    private static string Size(Dataset images) => string.Join("×", images.SampleShape[1..].ToArray());

    private static string Existing(string key, string path) => File.Exists(path)
        ? path
        : throw new SpecValidationException($"$.task.{key}: '{Printable.Escape(path)}' does not exist");
}
