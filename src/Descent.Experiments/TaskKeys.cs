using Descent.Lab.Tasks;

namespace Descent.Experiments;

/// <summary>The keys of <c>$.task</c> the built-in kinds read, each once: its name, the message when a kind that does
/// not read it finds it, and its JSON-schema fragment (as in <c>examples/lab/experiment.schema.json</c>).</summary>
public static class TaskKeys
{
    /// <summary><c>hidden</c>.</summary>
    public static TaskKey Hidden { get; } = new("hidden", "only a digits-mlp task has configurable hidden layers",
        """
        {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 4096}, "minItems": 1, "description": "digits-mlp only: hidden layer widths (default [64])."}
        """);

    /// <summary><c>batch_size</c>.</summary>
    public static TaskKey BatchSize { get; } = new("batch_size", "applies to tasks trained in mini-batches only",
        """
        {"type": "integer", "minimum": 1, "description": "Mini-batch size (digits-mlp default 200, fashion-transfer 25, minilm-spam 16, csv and idx 64)."}
        """);

    /// <summary><c>start</c>.</summary>
    public static TaskKey Start { get; } = new("start", "only the 2-D test functions take a start point",
        """
        {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2, "description": "2-D functions only: start point [x, y]."}
        """);

    /// <summary><c>noise</c>.</summary>
    public static TaskKey Noise { get; } = new("noise", "gradient noise applies to the 2-D test functions only",
        """
        {"type": "number", "minimum": 0, "description": "2-D functions only: std of seeded Gaussian noise added to each gradient component (noisy-quadratic default 1, others 0)."}
        """);

    /// <summary><c>l2</c>.</summary>
    public static TaskKey L2 { get; } = new("l2", "applies to digits-mlp only",
        """
        {"type": "number", "minimum": 0, "description": "scikit-learn-style L2 alpha: alpha*W/n added to weight gradients (not biases)."}
        """);

    /// <summary><c>data</c>.</summary>
    public static TaskKey Data { get; } = new("data", "a data directory applies to digits-mlp, fashion-transfer and minilm-spam only",
        """
        {"type": "string", "description": "digits-mlp: folder with digits_train.csv and digits_test.csv (label, 64 pixels 0-16) instead of the built-in split; minilm-spam: the SpamAssassin corpus (folder, .tgz or .jsonl[.gz]; default the full corpus if found, else the shipped subset); fashion-transfer: folder with the four Fashion-MNIST gzip IDX files (default /usr/share/datasets/fashion-mnist, else the repository's data/fashion-mnist-subset)."}
        """);

    /// <summary><c>mode</c>.</summary>
    public static TaskKey Mode { get; } = new("mode", "applies to minilm-spam only",
        """
        {"enum": ["head", "top-k", "full", "lora"], "description": "minilm-spam only: which parameters train (head: encoder frozen, embeddings cached once; top-k: top k layers + head; full; lora: LoRA adapters on the encoder's linear layers + head, see lora). Default full."}
        """);

    /// <summary><c>lora</c>.</summary>
    public static TaskKey Lora { get; } = new("lora", "applies to minilm-spam only",
        """
        {"type": "object", "additionalProperties": false, "properties": {"r": {"type": "integer", "minimum": 1, "maximum": 4096}, "alpha": {"type": "number", "exclusiveMinimum": 0}, "dropout": {"type": "number", "minimum": 0, "exclusiveMaximum": 1}, "target_modules": {"type": "array", "items": {"type": "string"}, "minItems": 1}, "plus": {"type": "number", "minimum": 0}}, "description": "minilm-spam lora mode only: the adapters, as PEFT's LoraConfig: r (default 8), alpha (default 16), dropout (default 0), target_modules (module-name suffixes; default [\"query\", \"key\", \"value\", \"dense\"]); plus: LoRA+ ratio of the B matrices' learning rate to the spec's lr (PEFT's create_loraplus_optimizer groups; 0 or absent = off, the paper's default is 16). The head always trains."}
        """);

    /// <summary><c>top_k</c>.</summary>
    public static TaskKey TopK { get; } = new("top_k", "applies to minilm-spam only",
        """
        {"type": "integer", "minimum": 1, "maximum": 64, "description": "minilm-spam only: layers unfrozen in top-k mode (default 2)."}
        """);

    /// <summary><c>head</c>.</summary>
    public static TaskKey Head { get; } = new("head", "applies to minilm-spam only",
        """
        {"enum": ["mlp", "linear"], "description": "minilm-spam only: the head on the pooled features: mlp (256 GELU units, dropout 0.3) or linear. Default mlp in head mode and with init probe, else linear (as the CLI's --head)."}
        """);

    /// <summary><c>features</c>.</summary>
    public static TaskKey Features { get; } = new("features", "applies to minilm-spam and csv only",
        """
        {"anyOf": [{"enum": ["layers", "sentence"]}, {"type": "array", "items": {"type": "string"}, "minItems": 1}], "description": "minilm-spam: the pooled features: layers (mean and max pooling of the embedding output and every layer, standardized with the pretrained encoder's statistics) or sentence (the sentence embedding: last layer, mean pooling). Default layers in head mode and with init probe, else sentence (as the CLI's --features). csv: the feature columns' names, in order (default: every other column holding numbers)."}
        """);

    /// <summary><c>init</c>.</summary>
    public static TaskKey Init { get; } = new("init", "applies to minilm-spam, csv and idx only",
        """
        {"anyOf": [{"enum": ["random", "probe"]}, {"type": "string"}], "description": "minilm-spam top-k/full: how the head starts: random (default) or probe (LP-FT: the head first trains on the frozen features as head mode does, with head mode's AdamW preset for 50 epochs of 32; then the spec's optimizer trains everything from it). csv and idx: a safetensors checkpoint of the same MLP (PyTorch names: 0.weight, 0.bias, ...) that every run starts from instead of the seeded initialization."}
        """);

    /// <summary><c>max_length</c>.</summary>
    public static TaskKey MaxLength { get; } = new("max_length", "applies to minilm-spam only",
        """
        {"type": "integer", "minimum": 2, "maximum": 512, "description": "minilm-spam only: tokens per email after truncation (default 128)."}
        """);

    /// <summary><c>train_limit</c>.</summary>
    public static TaskKey TrainLimit { get; } = new("train_limit", "applies to minilm-spam only",
        """
        {"type": "integer", "minimum": 1, "description": "minilm-spam only: training emails used, a seeded random subset of the fixed training split (default all)."}
        """);

    /// <summary><c>labels_per_class</c>.</summary>
    public static TaskKey LabelsPerClass { get; } = new("labels_per_class", "applies to fashion-transfer only",
        """
        {"type": "integer", "minimum": 1, "maximum": 6000, "description": "fashion-transfer only: labelled training images per target class (default 50)."}
        """);

    /// <summary><c>validation_per_class</c>.</summary>
    public static TaskKey ValidationPerClass { get; } = new("validation_per_class", "applies to fashion-transfer only",
        """
        {"type": "integer", "minimum": 1, "maximum": 5000, "description": "fashion-transfer only: validation images per target class from the training split, the same for every seed (default 100)."}
        """);

    /// <summary><c>pretrained</c>.</summary>
    public static TaskKey Pretrained { get; } = new("pretrained", "applies to fashion-transfer only",
        """
        {"type": "boolean", "description": "fashion-transfer only: fine-tune the pretrained network (default true) or train the same network from scratch (false)."}
        """);

    /// <summary><c>weights</c>.</summary>
    public static TaskKey Weights { get; } = new("weights", "applies to fashion-transfer only",
        """
        {"type": "string", "description": "fashion-transfer only: pretrained weights (safetensors of the 5-class small CNN, e.g. descent pretrain's best.safetensors); default: pretrain once per experiment, cached in the output folder."}
        """);

    /// <summary><c>pretrain_epochs</c>.</summary>
    public static TaskKey PretrainEpochs { get; } = new("pretrain_epochs", "applies to fashion-transfer only",
        """
        {"type": "integer", "minimum": 1, "maximum": 1000, "description": "fashion-transfer only: pretraining epochs on classes 0-4 (default 5)."}
        """);

    /// <summary><c>pretrain_per_class</c>.</summary>
    public static TaskKey PretrainPerClass { get; } = new("pretrain_per_class", "applies to fashion-transfer only",
        """
        {"type": "integer", "minimum": 2, "maximum": 6000, "description": "fashion-transfer only: pretraining images per source class (default 6000 = all)."}
        """);

    /// <summary><c>width</c>.</summary>
    public static TaskKey Width { get; } = new("width", "applies to fashion-transfer only",
        """
        {"type": "integer", "minimum": 1, "maximum": 64, "description": "fashion-transfer only: width multiplier of the small CNN, 8w/16w channels and 32w hidden units, for pretraining, fine-tuning and scratch alike (default 1)."}
        """);

    /// <summary><c>samples</c>.</summary>
    public static TaskKey Samples { get; } = new("samples", "applies to generated data only",
        """
        {"type": "integer", "minimum": 2, "description": "Regression tasks: number of generated points (default 256)."}
        """);

    /// <summary>The <c>minilm-spam</c> keys.</summary>
    public static IReadOnlyList<TaskKey> MiniLm { get; } = [Mode, Lora, TopK, MaxLength, TrainLimit, Head, Features, Init];

    /// <summary>The <c>fashion-transfer</c> keys.</summary>
    public static IReadOnlyList<TaskKey> Transfer { get; } = [LabelsPerClass, ValidationPerClass, Pretrained, Weights, PretrainEpochs, PretrainPerClass, Width];
}
