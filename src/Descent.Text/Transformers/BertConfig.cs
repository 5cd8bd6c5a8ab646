namespace Descent.Text.Transformers;

/// <summary>
/// Shape and regularization of a BERT encoder (the fields of Hugging Face's <c>BertConfig</c> that the forward pass
/// uses). <see cref="MiniLmL6"/> is sentence-transformers' all-MiniLM-L6-v2.
/// </summary>
public sealed record BertConfig
{
    /// <summary>all-MiniLM-L6-v2: vocabulary 30,522, hidden 384, 6 layers, 12 heads, feed-forward 1,536, 512 positions.</summary>
    public static BertConfig MiniLmL6 { get; } = new();

    /// <summary>Vocabulary size (rows of the word embedding).</summary>
    public int VocabSize { get; init; } = 30522;

    /// <summary>Hidden size (model width).</summary>
    public int HiddenSize { get; init; } = 384;

    /// <summary>Number of encoder layers.</summary>
    public int NumLayers { get; init; } = 6;

    /// <summary>Attention heads per layer; must divide <see cref="HiddenSize"/>.</summary>
    public int NumHeads { get; init; } = 12;

    /// <summary>Width of the feed-forward block.</summary>
    public int IntermediateSize { get; init; } = 1536;

    /// <summary>Maximum sequence length (rows of the position embedding).</summary>
    public int MaxPositions { get; init; } = 512;

    /// <summary>Number of token types (segments).</summary>
    public int TypeVocabSize { get; init; } = 2;

    /// <summary>LayerNorm epsilon (1e-12 in BERT).</summary>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>Dropout on embeddings and sub-layer outputs (training only).</summary>
    public double HiddenDropout { get; init; } = 0.1;

    /// <summary>Dropout on attention probabilities (training only).</summary>
    public double AttentionDropout { get; init; } = 0.1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a field is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(VocabSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(NumLayers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(NumHeads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(IntermediateSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPositions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(TypeVocabSize);
        if (HiddenSize % NumHeads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(NumHeads), NumHeads, $"must divide HiddenSize ({HiddenSize})");
        }

        if (!(LayerNormEps > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LayerNormEps), LayerNormEps, "must be positive");
        }

        if (!(HiddenDropout >= 0 && HiddenDropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(HiddenDropout), HiddenDropout, "must be in [0, 1)");
        }

        if (!(AttentionDropout >= 0 && AttentionDropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(AttentionDropout), AttentionDropout, "must be in [0, 1)");
        }
    }
}
