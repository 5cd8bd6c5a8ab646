namespace Descent.Text.Classification;

/// <summary>
/// The features a head-only classifier trains on: which hidden states of the frozen encoder (<see cref="Layers"/>)
/// pooled how (<see cref="Pooling"/>), concatenated layer by layer (embedding output first), and within a layer in the
/// order Mean, Max, Cls, optionally standardized. <see cref="SentenceEmbedding"/> (the default) is sentence-transformers'
/// embedding; <see cref="AllLayersMeanMax"/> is what head-only training does best on (chosen on a validation split, see
/// the README).
/// </summary>
public sealed record HeadFeatures
{
    private const SentencePooling AllPoolings = SentencePooling.Mean | SentencePooling.Max | SentencePooling.Cls;

    /// <summary>The last layer, mean-pooled: all-MiniLM-L6-v2's sentence embedding (hidden-size features).</summary>
    public static HeadFeatures SentenceEmbedding { get; } = new();

    /// <summary>
    /// The embedding output and every layer, each mean- and max-pooled ((layers + 1) × 2 × hidden features: 5,376 for
    /// MiniLM), standardized.
    /// </summary>
    public static HeadFeatures AllLayersMeanMax { get; } = new()
    {
        Layers = FeatureLayers.All,
        Pooling = SentencePooling.Mean | SentencePooling.Max,
        Standardize = true,
    };

    /// <summary>Which hidden states are pooled.</summary>
    public FeatureLayers Layers
    {
        get => field;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException(nameof(Layers), value, "must be Last or All");
    }

    /// <summary>The poolings applied to each selected hidden state (at least one).</summary>
    public SentencePooling Pooling
    {
        get => field;
        init => field = value != 0 && (value & ~AllPoolings) == 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Pooling), value, "must combine Mean, Max and Cls (at least one)");
    } = SentencePooling.Mean;

    /// <summary>
    /// Whether each feature is standardized with the training texts' mean and standard deviation
    /// (<see cref="FeatureStandardizer"/>) before the head; the layers' scales differ, so concatenations need it.
    /// </summary>
    public bool Standardize { get; init; }

    /// <summary>Number of hidden states used for an encoder with <paramref name="numLayers"/> layers.</summary>
    public int LayerCount(int numLayers) => Layers == FeatureLayers.All ? numLayers + 1 : 1;

    /// <summary>Number of poolings per hidden state.</summary>
    public int PoolingCount => System.Numerics.BitOperations.PopCount((uint)Pooling);

    /// <summary>Feature width for an encoder of <paramref name="hiddenSize"/> and <paramref name="numLayers"/>.</summary>
    public int Dimension(int hiddenSize, int numLayers) => LayerCount(numLayers) * PoolingCount * hiddenSize;

    /// <summary>A short label such as <c>last:mean</c> or <c>all:mean+max:std</c>.</summary>
    public string Label =>
        $"{(Layers == FeatureLayers.All ? "all" : "last")}:{string.Join('+', Poolings().Select(p => p.ToString().ToLowerInvariant()))}{(Standardize ? ":std" : string.Empty)}";

    /// <summary>The selected poolings in feature order (Mean, Max, Cls).</summary>
    public IEnumerable<SentencePooling> Poolings() =>
        new[] { SentencePooling.Mean, SentencePooling.Max, SentencePooling.Cls }.Where(p => (Pooling & p) != 0);
}
