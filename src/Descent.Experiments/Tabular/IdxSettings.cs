namespace Descent.Experiments.Tabular;

/// <summary>The <c>idx</c> fields of <c>$.task</c> (see <see cref="TabularTask"/>).</summary>
/// <param name="TrainImages"><c>train_images</c>: IDX images [count, rows, columns] (absolute path).</param>
/// <param name="TrainLabels"><c>train_labels</c>: IDX labels, one per image.</param>
/// <param name="ValidationImages"><c>validation_images</c>, or null to split the training images.</param>
/// <param name="ValidationLabels"><c>validation_labels</c>, given with <paramref name="ValidationImages"/>.</param>
/// <param name="Model"><c>model</c>.</param>
/// <param name="Standardize"><c>standardize</c> (default false: pixels / 255).</param>
/// <param name="ValidationFraction"><c>validation_fraction</c>.</param>
/// <param name="Init"><c>init</c>.</param>
public sealed record IdxSettings(string TrainImages, string TrainLabels, string? ValidationImages, string? ValidationLabels,
    TabularModel Model, bool Standardize, double ValidationFraction, string? Init) : TabularSettings(Model, Standardize, ValidationFraction, Init)
{
    /// <inheritdoc />
    public override IReadOnlyList<(string Key, string Path)> Files =>
        ValidationImages is null || ValidationLabels is null
            ? [("train_images", TrainImages), ("train_labels", TrainLabels)]
            : [("train_images", TrainImages), ("train_labels", TrainLabels), ("validation_images", ValidationImages), ("validation_labels", ValidationLabels)];

    /// <inheritdoc />
    public override bool HasValidationFiles => ValidationImages is not null;
}
