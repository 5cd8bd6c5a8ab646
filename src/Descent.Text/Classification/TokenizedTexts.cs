using Descent.Text.Transformers;

namespace Descent.Text.Classification;

/// <summary>
/// Texts tokenized once (truncated to the tokenizer's maximum length, unpadded) with their class labels; batches are
/// padded dynamically to their longest member by <see cref="Batch"/>.
/// </summary>
public sealed class TokenizedTexts
{
    private readonly int[][] ids;
    private readonly int[] labels;
    private readonly int padId;

    private TokenizedTexts(int[][] ids, int[] labels, int padId)
    {
        this.ids = ids;
        this.labels = labels;
        this.padId = padId;
        TokenCount = ids.Sum(x => (long)x.Length);
    }

    /// <summary>Number of texts.</summary>
    public int Count => ids.Length;

    /// <summary>Total tokens (no padding), [CLS] and [SEP] included.</summary>
    public long TokenCount { get; }

    /// <summary>The labels.</summary>
    public IReadOnlyList<int> Labels => labels;

    /// <summary>Tokenizes <paramref name="texts"/>.</summary>
    public static TokenizedTexts Create(BertTextTokenizer tokenizer, IReadOnlyList<string> texts, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(labels);
        if (texts.Count != labels.Count)
        {
            throw new ArgumentException($"{texts.Count} texts but {labels.Count} labels", nameof(labels));
        }

        var ids = new int[texts.Count][];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = tokenizer.EncodeOne(texts[i]);
        }

        return new TokenizedTexts(ids, [.. labels], tokenizer.PadId);
    }

    /// <summary>The token ids of text <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Ids(int index) => ids[index];

    /// <summary>
    /// A batch of the texts at <paramref name="indices"/>, padded to its longest member; <paramref name="tokens"/>
    /// is the number of real (non-padding) tokens.
    /// </summary>
    public BertInput Batch(ReadOnlySpan<int> indices, out long tokens)
    {
        if (indices.Length == 0)
        {
            throw new ArgumentException("a batch needs at least one text", nameof(indices));
        }

        var length = 0;
        tokens = 0;
        foreach (var i in indices)
        {
            length = Math.Max(length, ids[i].Length);
            tokens += ids[i].Length;
        }

        var input = new int[indices.Length * length];
        var mask = new int[input.Length];
        Array.Fill(input, padId);
        for (var b = 0; b < indices.Length; b++)
        {
            ids[indices[b]].CopyTo(input, b * length);
            mask.AsSpan(b * length, ids[indices[b]].Length).Fill(1);
        }

        return new BertInput(indices.Length, length, input, attentionMask: mask);
    }

    /// <summary>The labels at <paramref name="indices"/>.</summary>
    public int[] LabelsOf(ReadOnlySpan<int> indices)
    {
        var result = new int[indices.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = labels[indices[i]];
        }

        return result;
    }
}
