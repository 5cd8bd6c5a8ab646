using System.Text.Json;
using Descent.Data;
using Descent.Lab.Tasks;

namespace Descent.Experiments.Tabular;

/// <summary>
/// The <c>csv</c> lab task: an MLP on the user's own tabular data (<see cref="TabularTask"/>) — a training CSV file
/// with a header line, a target column of class labels (text or integers) or numbers, numeric feature columns, and a
/// validation file or a seeded split of the training file.
/// </summary>
/// <example>
/// <code>
/// {"kind": "csv", "train": "train.csv", "validation": "val.csv", "target": "label", "problem": "classification",
///  "features": ["a", "b"], "standardize": true, "model": {"hidden": [64, 32], "activation": "relu", "dropout": 0.1},
///  "batch_size": 64}
/// </code>
/// </example>
public sealed class CsvKind : TabularKind
{
    /// <inheritdoc />
    public override string Kind => TaskKinds.Csv;

    /// <inheritdoc />
    public override IReadOnlyList<TaskKey> Keys => TabularKeys.Csv;

    /// <inheritdoc />
    public override IReadOnlyList<string> Metrics { get; } = [.. ClassificationMetrics.Union(RegressionMetrics)];

    /// <inheritdoc />
    protected override bool StandardizeByDefault => true;

    /// <inheritdoc />
    protected override TabularSettings? Read(TaskSection section, TabularModel model, bool standardize, double validationFraction, string? init)
    {
        ArgumentNullException.ThrowIfNull(section);
        var train = Path(section, "train", required: true);
        var validation = Path(section, "validation", required: false);
        string? target = null;
        if (!section.TryGet("target", out var t))
        {
            section.Error(null, "missing required property \"target\" (the name of the column to predict)");
        }
        else if (t.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(t.GetString()))
        {
            section.Error("target", $"must be a column name, not {TaskSection.Describe(t)}");
        }
        else
        {
            target = t.GetString();
        }

        var problem = section.Choice("problem", "classification", "regression") == "regression" ? CsvProblem.Regression : CsvProblem.Classification;
        IReadOnlyList<string>? features = null;
        if (section.TryGet("features", out var f))
        {
            var names = f.ValueKind == JsonValueKind.Array ? f.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).ToList() : [];
            if (names.Count == 0 || names.Any(string.IsNullOrWhiteSpace))
            {
                section.Error("features", $"must be a non-empty array of column names, e.g. [\"a\", \"b\"], not {TaskSection.Describe(f)}");
            }
            else if (names.Distinct(StringComparer.Ordinal).Count() != names.Count || names.Contains(target))
            {
                section.Error("features", "must name distinct columns other than the target");
            }
            else
            {
                features = names!;
            }
        }

        return train is null || target is null
            ? null
            : new CsvSettings(train, validation, target, problem, features, model, standardize, validationFraction, init);
    }

    /// <inheritdoc />
    protected override TabularData Load(TabularSettings settings) => TabularData.Read((CsvSettings)settings);

    /// <inheritdoc />
    protected override string Describe(TabularSettings settings)
    {
        var s = (CsvSettings)settings;
        return $"target={s.Target} problem={(s.Problem == CsvProblem.Regression ? "regression" : "classification")} features={(s.Features is null ? "numeric" : string.Join(",", s.Features))}";
    }
}
