using System.Globalization;
using Descent.Training;

namespace Descent.Data;

/// <summary>
/// A tabular dataset read from a CSV file with a header line: numeric feature columns and one target column, named
/// by their header names. For classification the target may hold text or integer labels: the distinct labels, sorted
/// (numerically when every label is a number, otherwise ordinally), become the classes 0, 1, … (<see cref="Classes"/>);
/// for regression it must be numeric.
/// </summary>
/// <remarks>
/// <para>Features default to every column other than the target that holds numbers; a column without a single number
/// (an identifier, a name) is left out, while a column of numbers with a non-numeric or empty cell is an error. Named
/// features must all be numeric.</para>
/// <para>Every problem raises a <see cref="DataFormatException"/> naming the file, the line and column, and what was
/// expected: an empty file, a missing column, a non-numeric value, a ragged row, or — when <c>classes</c> is given
/// (a validation file read with the training file's <see cref="Classes"/>) — a label the training data lacks.</para>
/// </remarks>
/// <example>
/// <code>
/// var train = CsvDataset.Load("train.csv", target: "species");
/// var test = CsvDataset.Load("test.csv", target: "species", classes: train.Classes);
/// var loader = new DataLoader(train.ToDataset(), batchSize: 32, shuffle: true, seed: 1);
/// </code>
/// </example>
public sealed class CsvDataset
{
    private readonly float[] features;
    private readonly int[] labels;
    private readonly float[] targets;
    private readonly string[] featureNames;
    private readonly string[] classes;

    private CsvDataset(string source, string targetName, CsvProblem problem, string[] featureNames, float[] features,
        int[] labels, float[] targets, string[] classes)
    {
        Source = source;
        TargetName = targetName;
        Problem = problem;
        this.featureNames = featureNames;
        this.features = features;
        this.labels = labels;
        this.targets = targets;
        this.classes = classes;
    }

    /// <summary>The file it was read from.</summary>
    public string Source { get; }

    /// <summary>The target column's name.</summary>
    public string TargetName { get; }

    /// <summary>Classification or regression.</summary>
    public CsvProblem Problem { get; }

    /// <summary>The feature columns' names, in the order of the feature values.</summary>
    public IReadOnlyList<string> FeatureNames => featureNames;

    /// <summary>The class names in class-index order (empty for regression).</summary>
    public IReadOnlyList<string> Classes => classes;

    /// <summary>Number of rows.</summary>
    public int Count => Problem == CsvProblem.Classification ? labels.Length : targets.Length;

    /// <summary>Number of features per row.</summary>
    public int FeatureCount => featureNames.Length;

    /// <summary>The features, [<see cref="Count"/>, <see cref="FeatureCount"/>] (a copy).</summary>
    public Tensor Features => Tensor.FromArray(features, Count, FeatureCount);

    /// <summary>The class index of every row (classification; empty for regression).</summary>
    public IReadOnlyList<int> Labels => labels;

    /// <summary>The target value of every row, [<see cref="Count"/>, 1] (a copy; regression — for classification the
    /// class indices as numbers).</summary>
    public Tensor Targets => Problem == CsvProblem.Regression
        ? Tensor.FromArray(targets, Count, 1)
        : Tensor.FromArray(labels.Select(l => (float)l).ToArray(), Count, 1);

    /// <summary>Reads <paramref name="path"/> (plain or gzip).</summary>
    /// <param name="path">The CSV file; its first non-blank line names the columns.</param>
    /// <param name="target">The target column's name.</param>
    /// <param name="problem">Classification (labels → classes) or regression (numeric target).</param>
    /// <param name="features">The feature columns' names, in order; null: every other column holding numbers.</param>
    /// <param name="classes">The classes to map labels to (e.g. the training file's <see cref="Classes"/> when reading
    /// its validation file); a label outside them is an error. Null: the file's own sorted distinct labels.</param>
    /// <param name="options">Separator and comment character (the header is always read).</param>
    public static CsvDataset Load(string path, string target, CsvProblem problem = CsvProblem.Classification,
        IReadOnlyList<string>? features = null, IReadOnlyList<string>? classes = null, CsvOptions? options = null)
    {
        using var records = CsvRecords.Open(path, WithHeader(options));
        return Read(records, target, problem, features, classes);
    }

    /// <summary>Reads CSV from a stream; <paramref name="name"/> names it in error messages. See
    /// <see cref="Load(string, string, CsvProblem, IReadOnlyList{string}?, IReadOnlyList{string}?, CsvOptions?)"/>.</summary>
    public static CsvDataset Read(Stream stream, string name, string target, CsvProblem problem = CsvProblem.Classification,
        IReadOnlyList<string>? features = null, IReadOnlyList<string>? classes = null, CsvOptions? options = null)
    {
        using var records = new CsvRecords(stream, name, WithHeader(options));
        return Read(records, target, problem, features, classes);
    }

    /// <summary>A classification dataset for <see cref="DataLoader"/> and the <see cref="Learner"/>: features
    /// [N, F], labels, and <see cref="Classes"/> as class names.</summary>
    /// <exception cref="InvalidOperationException">The problem is regression.</exception>
    public Dataset ToDataset()
    {
        if (Problem != CsvProblem.Classification)
        {
            throw new InvalidOperationException($"{Source}: a regression dataset (target '{TargetName}') has no class labels; use Features and Targets");
        }

        return new Dataset(Tensor.FromArray(features, Count, FeatureCount), (int[])labels.Clone(), Math.Max(classes.Length, 1),
            classes.Length == 0 ? null : classes);
    }

    /// <summary>Sorts labels as classes: numerically when all are numbers, otherwise ordinally.</summary>
    internal static string[] SortClasses(IEnumerable<string> labels)
    {
        var distinct = labels.Distinct(StringComparer.Ordinal).ToArray();
        var numbers = new double[distinct.Length];
        var numeric = true;
        for (var i = 0; i < distinct.Length && numeric; i++)
        {
            numeric = double.TryParse(distinct[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]);
        }

        return numeric
            ? distinct.Zip(numbers).OrderBy(p => p.Second).ThenBy(p => p.First, StringComparer.Ordinal).Select(p => p.First).ToArray()
            : distinct.Order(StringComparer.Ordinal).ToArray();
    }

    private static CsvOptions WithHeader(CsvOptions? options) => (options ?? CsvOptions.Default) with { HasHeader = true };

    private static CsvDataset Read(CsvRecords records, string target, CsvProblem problem, IReadOnlyList<string>? features, IReadOnlyList<string>? classes)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (!Enum.IsDefined(problem))
        {
            throw new ArgumentOutOfRangeException(nameof(problem), problem, "Classification or Regression");
        }

        if (classes is not null && (problem != CsvProblem.Classification || classes.Count == 0 || classes.Distinct(StringComparer.Ordinal).Count() != classes.Count))
        {
            throw new ArgumentException("classes must be distinct, non-empty, and given only for classification", nameof(classes));
        }

        var hasRow = records.Next();
        var header = records.Header ?? throw new DataFormatException(records.Name, "end of file", "a header line naming the columns", "an empty file");
        var targetColumn = Column(records, header, target, "target");
        int[] featureColumns;
        if (features is null)
        {
            featureColumns = Enumerable.Range(0, header.Count).Where(c => c != targetColumn).ToArray();
        }
        else
        {
            featureColumns = features.Select(f => Column(records, header, f, "feature")).ToArray();
            if (featureColumns.Contains(targetColumn) || featureColumns.Distinct().Count() != featureColumns.Length)
            {
                throw new ArgumentException($"features must be distinct and must not include the target '{target}'", nameof(features));
            }
        }

        if (!hasRow)
        {
            throw new DataFormatException(records.Name, "end of file", "at least one data row after the header", "none");
        }

        var columns = featureColumns.Select(c => new ColumnValues()).ToArray();
        var targetText = new List<string>();
        var targetValues = new List<float>();
        var classIndex = classes?.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        do
        {
            for (var k = 0; k < featureColumns.Length; k++)
            {
                var c = featureColumns[k];
                columns[k].Add(records.Fields[c].Text.Trim(), records, c, strict: features is not null, header[c]);
            }

            var t = records.Fields[targetColumn].Text.Trim();
            if (problem == CsvProblem.Regression)
            {
                targetValues.Add(CsvRecords.TryParseNumber(t, out var v)
                    ? v
                    : throw NotANumber(records, targetColumn, header[targetColumn], t, "target"));
            }
            else if (t.Length == 0)
            {
                throw new DataFormatException(records.Name, ColumnPosition(records, targetColumn, header[targetColumn]), "a class label", "an empty field");
            }
            else if (classIndex is not null && !classIndex.ContainsKey(t))
            {
                throw new DataFormatException(records.Name, ColumnPosition(records, targetColumn, header[targetColumn]),
                    $"one of the {classIndex.Count} classes of the training data ({Printable.Escape(string.Join(", ", classes!.Take(20)))}{(classes!.Count > 20 ? ", …" : string.Empty)})",
                    $"'{t}'");
            }
            else
            {
                targetText.Add(t);
            }
        }
        while (records.Next());

        var kept = Enumerable.Range(0, featureColumns.Length).Where(k => columns[k].Kept).ToArray();
        if (kept.Length == 0)
        {
            throw new DataFormatException(records.Name, "the header", $"at least one numeric feature column besides the target '{Printable.Escape(target)}'",
                features is null ? "no column of numbers" : "an empty feature list");
        }

        var rows = problem == CsvProblem.Regression ? targetValues.Count : targetText.Count;
        var values = new float[rows * kept.Length];
        for (var j = 0; j < kept.Length; j++)
        {
            var column = columns[kept[j]].Values;
            for (var r = 0; r < rows; r++)
            {
                values[(r * kept.Length) + j] = column[r];
            }
        }

        var names = kept.Select(k => header[featureColumns[k]]).ToArray();
        if (problem == CsvProblem.Regression)
        {
            return new CsvDataset(records.Name, target, problem, names, values, [], targetValues.ToArray(), []);
        }

        var classNames = classes?.ToArray() ?? SortClasses(targetText);
        classIndex ??= classNames.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return new CsvDataset(records.Name, target, problem, names, values, targetText.Select(t => classIndex[t]).ToArray(), [], classNames);
    }

    private static int Column(CsvRecords records, IReadOnlyList<string> header, string name, string role)
    {
        var matches = Enumerable.Range(0, header.Count).Where(c => header[c] == name).ToArray();
        var columnsText = Printable.Escape(string.Join(", ", header.Take(30))) + (header.Count > 30 ? ", …" : string.Empty);
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new DataFormatException(records.Name, "the header", $"a {role} column named '{Printable.Escape(name)}'", $"the columns {columnsText}"),
            _ => throw new DataFormatException(records.Name, "the header", $"one {role} column named '{Printable.Escape(name)}'", $"{matches.Length} columns of that name"),
        };
    }

    private static string ColumnPosition(CsvRecords records, int column, string name)
        => $"{records.Position(column)} ('{Printable.Escape(name)}')";

    private static DataFormatException NotANumber(CsvRecords records, int column, string name, string text, string role)
        => new(records.Name, ColumnPosition(records, column, name), $"a number in the {role} column", CsvRecords.Describe(text));

    /// <summary>One feature column's values (NaN for a cell that is not a number), and the first such cell.</summary>
    private sealed class ColumnValues
    {
        private DataFormatException? firstBad;
        private bool anyNumber;

        public List<float> Values { get; } = [];

        /// <summary>Whether the column is a feature: it holds numbers (a column with none is dropped when features
        /// were not named; a non-numeric cell in a column of numbers is an error).</summary>
        public bool Kept
        {
            get
            {
                if (anyNumber && firstBad is not null)
                {
                    throw firstBad;
                }

                return anyNumber;
            }
        }

        public void Add(string text, CsvRecords records, int column, bool strict, string name)
        {
            if (CsvRecords.TryParseNumber(text, out var v))
            {
                anyNumber = true;
                Values.Add(v);
                return;
            }

            firstBad ??= NotANumber(records, column, name, text, "feature");
            if (strict || anyNumber)
            {
                throw firstBad;
            }

            Values.Add(float.NaN);
        }
    }
}
