using Descent.Data;

namespace Descent.Experiments.Tabular;

/// <summary>The <c>csv</c> fields of <c>$.task</c> (see <see cref="TabularTask"/>).</summary>
/// <param name="Train"><c>train</c>: the training CSV file (absolute path).</param>
/// <param name="Validation"><c>validation</c>: the validation CSV file, or null to split the training file.</param>
/// <param name="Target"><c>target</c>: the target column's name.</param>
/// <param name="Problem"><c>problem</c>: classification or regression.</param>
/// <param name="Features"><c>features</c>: the feature columns, or null for every other numeric column.</param>
/// <param name="Model"><c>model</c>.</param>
/// <param name="Standardize"><c>standardize</c> (default true).</param>
/// <param name="ValidationFraction"><c>validation_fraction</c>.</param>
/// <param name="Init"><c>init</c>.</param>
public sealed record CsvSettings(string Train, string? Validation, string Target, CsvProblem Problem, IReadOnlyList<string>? Features,
    TabularModel Model, bool Standardize, double ValidationFraction, string? Init) : TabularSettings(Model, Standardize, ValidationFraction, Init)
{
    /// <inheritdoc />
    public override IReadOnlyList<(string Key, string Path)> Files =>
        Validation is null ? [("train", Train)] : [("train", Train), ("validation", Validation)];

    /// <inheritdoc />
    public override bool HasValidationFiles => Validation is not null;
}
