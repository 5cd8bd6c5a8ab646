using Descent.Lab.Tasks;

namespace Descent.Experiments.Tabular;

/// <summary>The keys of <c>$.task</c> that only the <c>csv</c> and <c>idx</c> kinds read (their shared keys
/// <c>batch_size</c>, <c>features</c> and <c>init</c> are in <see cref="TaskKeys"/>).</summary>
public static class TabularKeys
{
    /// <summary><c>train</c>.</summary>
    public static TaskKey Train { get; } = new("train", "applies to csv only",
        """
        {"type": "string", "description": "csv only (required): the training CSV file (plain or gzip; a header line names the columns), relative to the spec file."}
        """);

    /// <summary><c>validation</c>.</summary>
    public static TaskKey Validation { get; } = new("validation", "applies to csv only",
        """
        {"type": "string", "description": "csv only: the validation CSV file (same columns); default: validation_fraction of the training file, split by each run's seed."}
        """);

    /// <summary><c>target</c>.</summary>
    public static TaskKey Target { get; } = new("target", "applies to csv only",
        """
        {"type": "string", "description": "csv only (required): the target column's name (class labels, text or integers, or the number to predict)."}
        """);

    /// <summary><c>problem</c>.</summary>
    public static TaskKey Problem { get; } = new("problem", "applies to csv only",
        """
        {"enum": ["classification", "regression"], "description": "csv only: classification (cross-entropy; val_accuracy, val_loss, val_macro_f1) or regression (MSE; val_loss = MSE, val_rmse). Default classification."}
        """);

    /// <summary><c>standardize</c>.</summary>
    public static TaskKey Standardize { get; } = new("standardize", "applies to csv and idx only",
        """
        {"type": "boolean", "description": "csv and idx only: scale inputs to zero mean and unit variance with statistics of the training split only (csv: per feature, default true; idx: over all pixels, default false, pixels are then scaled to [0, 1])."}
        """);

    /// <summary><c>model</c>.</summary>
    public static TaskKey Model { get; } = new("model", "applies to csv and idx only",
        """
        {"type": "object", "additionalProperties": false, "properties": {"hidden": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 4096}, "description": "hidden layer widths (default [64]; [] is a linear model)"}, "activation": {"enum": ["relu", "tanh", "gelu", "sigmoid"], "description": "default relu"}, "dropout": {"type": "number", "minimum": 0, "exclusiveMaximum": 1, "description": "dropout after each hidden activation (default 0)"}}, "description": "csv and idx only: the MLP, as torch.nn.Sequential(Linear, activation[, Dropout], ..., Linear) with PyTorch's default Linear initialization from each run's seed."}
        """);

    /// <summary><c>validation_fraction</c>.</summary>
    public static TaskKey ValidationFraction { get; } = new("validation_fraction", "applies to csv and idx only",
        """
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "description": "csv and idx only, without a validation file: the share of the training rows held out for validation, split by each run's seed (stratified by class for classification). Default 0.2."}
        """);

    /// <summary><c>train_images</c>.</summary>
    public static TaskKey TrainImages { get; } = new("train_images", "applies to idx only",
        """
        {"type": "string", "description": "idx only (required): the training images, an IDX file [count, rows, columns] (e.g. train-images-idx3-ubyte, plain or .gz)."}
        """);

    /// <summary><c>train_labels</c>.</summary>
    public static TaskKey TrainLabels { get; } = new("train_labels", "applies to idx only",
        """
        {"type": "string", "description": "idx only (required): the training labels, a 1-D IDX file of integer classes, one per image."}
        """);

    /// <summary><c>validation_images</c>.</summary>
    public static TaskKey ValidationImages { get; } = new("validation_images", "applies to idx only",
        """
        {"type": "string", "description": "idx only: the validation images (same image size as the training images); with validation_labels. Default: validation_fraction of the training images."}
        """);

    /// <summary><c>validation_labels</c>.</summary>
    public static TaskKey ValidationLabels { get; } = new("validation_labels", "applies to idx only",
        """
        {"type": "string", "description": "idx only: the validation labels, one per validation image."}
        """);

    /// <summary>The <c>csv</c> keys.</summary>
    public static IReadOnlyList<TaskKey> Csv { get; } =
        [Train, Validation, Target, Problem, TaskKeys.Features, Standardize, Model, TaskKeys.BatchSize, ValidationFraction, TaskKeys.Init];

    /// <summary>The <c>idx</c> keys.</summary>
    public static IReadOnlyList<TaskKey> Idx { get; } =
        [TrainImages, TrainLabels, ValidationImages, ValidationLabels, Standardize, Model, TaskKeys.BatchSize, ValidationFraction, TaskKeys.Init];
}
