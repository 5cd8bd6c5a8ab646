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

    /// <summary>The indices of all texts, longest first (ties in index order): batches taken in this order pad least.</summary>
    public int[] LongestFirst()
    {
        var order = Enumerable.Range(0, ids.Length).ToArray();
        SortLongestFirst(order);
        return order;
    }

    /// <summary>
    /// Length bucketing of a (shuffled) training order, in place: within each window of <paramref name="windowBatches"/> ×
    /// <paramref name="batchSize"/> consecutive entries the texts are sorted longest first, so each batch holds texts of
    /// similar length and pads little, then the window's full batches are shuffled with <paramref name="rng"/> so the
    /// batch order stays random (Hugging Face's <c>group_by_length</c> sorts within windows of 50 batches). A final
    /// partial batch stays last. Deterministic given the order and the generator's state; a window of 1 batch changes
    /// nothing (the texts of a batch are the same) and draws nothing.
    /// </summary>
    public void GroupByLength(Span<int> order, int batchSize, int windowBatches, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBatches, 1);
        if (windowBatches == 1)
        {
            return;
        }

        var window = (int)Math.Min(order.Length, (long)batchSize * windowBatches);
        var copy = new int[window];
        var batches = new int[windowBatches];
        for (var start = 0; start < order.Length; start += window)
        {
            var span = order.Slice(start, Math.Min(window, order.Length - start));
            SortLongestFirst(span);
            var full = span.Length / batchSize;
            for (var b = 0; b < full; b++)
            {
                batches[b] = b;
            }

            rng.Shuffle(batches.AsSpan(0, full));
            span.CopyTo(copy);
            for (var b = 0; b < full; b++)
            {
                copy.AsSpan(batches[b] * batchSize, batchSize).CopyTo(span.Slice(b * batchSize, batchSize));
            }
        }
    }

    private void SortLongestFirst(Span<int> order) =>
        order.Sort((a, b) => ids[a].Length != ids[b].Length ? ids[b].Length.CompareTo(ids[a].Length) : a.CompareTo(b));

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
