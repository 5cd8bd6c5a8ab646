using Descent.Lab.Tasks;

namespace Descent.Experiments.Tabular;

/// <summary>
/// The <c>idx</c> lab task: an MLP classifying the user's own images in IDX files (the MNIST format; plain or gzip),
/// flattened, pixels scaled to [0, 1] (<see cref="TabularTask"/>), with validation files or a seeded split of the
/// training images.
/// </summary>
/// <example>
/// <code>
/// {"kind": "idx", "train_images": "train-images-idx3-ubyte.gz", "train_labels": "train-labels-idx1-ubyte.gz",
///  "validation_images": "t10k-images-idx3-ubyte.gz", "validation_labels": "t10k-labels-idx1-ubyte.gz",
///  "model": {"hidden": [128]}}
/// </code>
/// </example>
public sealed class IdxKind : TabularKind
{
    /// <inheritdoc />
    public override string Kind => TaskKinds.Idx;

    /// <inheritdoc />
    public override IReadOnlyList<TaskKey> Keys => TabularKeys.Idx;

    /// <inheritdoc />
    protected override bool StandardizeByDefault => false;

    /// <inheritdoc />
    protected override TabularSettings? Read(TaskSection section, TabularModel model, bool standardize, double validationFraction, string? init)
    {
        ArgumentNullException.ThrowIfNull(section);
        var images = Path(section, "train_images", required: true);
        var labels = Path(section, "train_labels", required: true);
        var validationImages = Path(section, "validation_images", required: false);
        var validationLabels = Path(section, "validation_labels", required: false);
        if (section.Has("validation_images") != section.Has("validation_labels"))
        {
            section.Error(section.Has("validation_images") ? "validation_labels" : "validation_images",
                "validation_images and validation_labels go together: name both, or neither to split the training images");
        }

        return images is null || labels is null
            ? null
            : new IdxSettings(images, labels, validationImages, validationLabels, model, standardize, validationFraction, init);
    }

    /// <inheritdoc />
    protected override TabularData Load(TabularSettings settings) => TabularData.Read((IdxSettings)settings);

    /// <inheritdoc />
    protected override string Describe(TabularSettings settings) => "images=flattened";
}
