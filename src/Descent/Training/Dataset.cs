using System.Globalization;

namespace Descent.Training;

/// <summary>
/// An in-memory labelled dataset: features of shape [N, …sample shape] and one class label per sample in
/// [0, <see cref="NumClasses"/>). Datasets are immutable; every transformation returns a new one.
/// </summary>
public sealed class Dataset
{
    private readonly Tensor features;
    private readonly int[] labels;
    private readonly int[] sampleShape;
    private readonly string[] classNames;

    /// <summary>Creates a dataset over <paramref name="features"/> ([N, …]) and <paramref name="labels"/> (N labels).</summary>
    /// <exception cref="ArgumentException">The counts differ, or a label is outside [0, numClasses).</exception>
    public Dataset(Tensor features, int[] labels, int numClasses, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        if (features.Rank < 1 || features.Dim(0) != labels.Length)
        {
            throw new ArgumentException(
                $"features of shape [{string.Join(", ", features.Shape.ToArray())}] need {labels.Length} samples along dimension 0 to match the labels",
                nameof(features));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)numClasses)
            {
                throw new ArgumentException($"label {i} is {labels[i]}, outside [0, {numClasses})", nameof(labels));
            }
        }

        if (classNames is not null && classNames.Count != numClasses)
        {
            throw new ArgumentException($"{classNames.Count} class names for {numClasses} classes", nameof(classNames));
        }

        this.features = features;
        this.labels = labels;
        NumClasses = numClasses;
        sampleShape = features.Shape[1..].ToArray();
        SampleSize = features.Rank == 1 ? 1 : features.Length / Math.Max(labels.Length, 1);
        if (labels.Length == 0)
        {
            SampleSize = 1;
            foreach (var d in sampleShape)
            {
                SampleSize *= d;
            }
        }

        this.classNames = classNames?.ToArray() ??
            Enumerable.Range(0, numClasses).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Number of samples.</summary>
    public int Count => labels.Length;

    /// <summary>Number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The shape of one sample (e.g. [1, 28, 28] or [64]).</summary>
    public ReadOnlySpan<int> SampleShape => sampleShape;

    /// <summary>Number of values in one sample.</summary>
    public int SampleSize { get; }

    /// <summary>All features, [N, …sample shape]. Do not modify: datasets may share storage.</summary>
    public Tensor Features => features;

    /// <summary>The labels.</summary>
    public IReadOnlyList<int> Labels => labels;

    /// <summary>The class names (the class index as text when none were given).</summary>
    public IReadOnlyList<string> ClassNames => classNames;

    /// <summary>The values of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Sample(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return features.Span.Slice(index * SampleSize, SampleSize);
    }

    /// <summary>How many samples each class has.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[NumClasses];
        foreach (var l in labels)
        {
            counts[l]++;
        }

        return counts;
    }

    /// <summary>The samples at <paramref name="indices"/>, in that order (copied).</summary>
    public Dataset Subset(ReadOnlySpan<int> indices)
    {
        var shape = new int[sampleShape.Length + 1];
        shape[0] = indices.Length;
        sampleShape.CopyTo(shape, 1);
        var f = new Tensor(shape);
        var l = new int[indices.Length];
        var src = features.Span;
        var dst = f.Span;
        for (var i = 0; i < indices.Length; i++)
        {
            var k = indices[i];
            if ((uint)k >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), k, $"index {i} is outside the dataset's {Count} samples");
            }

            src.Slice(k * SampleSize, SampleSize).CopyTo(dst.Slice(i * SampleSize, SampleSize));
            l[i] = labels[k];
        }

        return new Dataset(f, l, NumClasses, classNames);
    }

    /// <summary>
    /// Splits into training and validation sets: a seeded shuffle within each class (stratified, so both
    /// sets keep the class proportions) or over all samples; each class contributes
    /// round(<paramref name="validationFraction"/> × its count) samples to validation. Both sets keep the
    /// original sample order.
    /// </summary>
    public (Dataset Train, Dataset Validation) Split(double validationFraction, ulong seed, bool stratify = true)
    {
        var (train, validation) = SplitIndices(validationFraction, seed, stratify);
        return (Subset(train), Subset(validation));
    }

    /// <summary>The sample indices of <see cref="Split"/>'s training and validation sets, in ascending order (to split
    /// data kept beside the dataset, e.g. regression targets, the same way).</summary>
    public (int[] Train, int[] Validation) SplitIndices(double validationFraction, ulong seed, bool stratify = true)
    {
        if (!(validationFraction >= 0 && validationFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "must be in [0, 1]");
        }

        var rng = new Rng(seed);
        var isValidation = new bool[Count];
        var groups = stratify
            ? Enumerable.Range(0, NumClasses).Select(c => Enumerable.Range(0, Count).Where(i => labels[i] == c).ToArray())
            : [Enumerable.Range(0, Count).ToArray()];
        foreach (var group in groups)
        {
            rng.Shuffle(group.AsSpan());
            var take = (int)Math.Round(validationFraction * group.Length, MidpointRounding.AwayFromZero);
            for (var i = 0; i < take; i++)
            {
                isValidation[group[i]] = true;
            }
        }

        return (Enumerable.Range(0, Count).Where(i => !isValidation[i]).ToArray(), Enumerable.Range(0, Count).Where(i => isValidation[i]).ToArray());
    }

    /// <summary>The first <paramref name="perClass"/> samples of each class after a seeded shuffle (fewer when a
    /// class has fewer), in the original order: a balanced few-label subset.</summary>
    public Dataset TakePerClass(int perClass, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perClass);
        var order = Enumerable.Range(0, Count).ToArray();
        new Rng(seed).Shuffle(order.AsSpan());
        var taken = new int[NumClasses];
        var keep = new List<int>();
        foreach (var i in order)
        {
            if (taken[labels[i]] < perClass)
            {
                taken[labels[i]]++;
                keep.Add(i);
            }
        }

        keep.Sort();
        return Subset(keep.ToArray());
    }

    /// <summary>Keeps only the samples of <paramref name="classes"/> and relabels them 0, 1, … in the order
    /// given (e.g. Fashion-MNIST classes 5–9 become 0–4).</summary>
    public Dataset SelectClasses(params int[] classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var map = new int[NumClasses];
        Array.Fill(map, -1);
        for (var i = 0; i < classes.Length; i++)
        {
            if ((uint)classes[i] >= (uint)NumClasses)
            {
                throw new ArgumentOutOfRangeException(nameof(classes), classes[i], $"a class in [0, {NumClasses})");
            }

            if (map[classes[i]] >= 0)
            {
                throw new ArgumentException($"class {classes[i]} is listed twice", nameof(classes));
            }

            map[classes[i]] = i;
        }

        var keep = Enumerable.Range(0, Count).Where(i => map[labels[i]] >= 0).ToArray();
        var subset = Subset(keep);
        var newLabels = keep.Select(i => map[labels[i]]).ToArray();
        return new Dataset(subset.features, newLabels, Math.Max(classes.Length, 1), classes.Length == 0 ? null : classes.Select(c => classNames[c]).ToArray());
    }

    /// <summary>The same samples viewed with another sample shape of the same size (e.g. [64] → [1, 8, 8]).</summary>
    public Dataset Reshape(params int[] newSampleShape)
    {
        ArgumentNullException.ThrowIfNull(newSampleShape);
        var size = newSampleShape.Aggregate(1L, (a, d) => a * d);
        if (size != SampleSize)
        {
            throw new ArgumentException(
                $"sample shape [{string.Join(", ", newSampleShape)}] has {size} values, the samples have {SampleSize} ([{string.Join(", ", sampleShape)}])",
                nameof(newSampleShape));
        }

        var shape = new int[newSampleShape.Length + 1];
        shape[0] = Count;
        newSampleShape.CopyTo(shape, 1);
        return new Dataset(new Tensor(features.Buffer, features.Offset, shape), labels, NumClasses, classNames);
    }

    /// <summary>A copy with <paramref name="normalization"/> applied to every sample.</summary>
    public Dataset Normalize(Normalization normalization)
    {
        ArgumentNullException.ThrowIfNull(normalization);
        var f = features.Clone();
        normalization.Apply(f.Span, Count, SampleSize);
        return new Dataset(f, labels, NumClasses, classNames);
    }
}
