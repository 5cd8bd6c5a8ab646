namespace Descent.Text.Transformers;

/// <summary>
/// A padded batch of token sequences, row-major [BatchSize, SequenceLength]: token ids, token-type (segment) ids
/// and the attention mask (1 = real token, 0 = padding).
/// </summary>
public sealed class BertInput
{
    /// <summary>[B, S] token ids given as floats (token type 0, no padding), as <see cref="BertModel.Forward(Tensor)"/> reads them.</summary>
    public static BertInput FromTensor(Tensor ids) => BertModel.InputFromTensor(ids);

    /// <summary>Creates a batch; token types default to 0 and the mask to all ones.</summary>
    public BertInput(int batchSize, int sequenceLength, int[] inputIds, int[]? tokenTypeIds = null, int[]? attentionMask = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sequenceLength);
        ArgumentNullException.ThrowIfNull(inputIds);
        var n = batchSize * sequenceLength;
        Check(inputIds, n, nameof(inputIds));
        tokenTypeIds ??= new int[n];
        Check(tokenTypeIds, n, nameof(tokenTypeIds));
        if (attentionMask is null)
        {
            attentionMask = new int[n];
            Array.Fill(attentionMask, 1);
        }

        Check(attentionMask, n, nameof(attentionMask));
        foreach (var m in attentionMask)
        {
            if (m is not (0 or 1))
            {
                throw new ArgumentOutOfRangeException(nameof(attentionMask), m, "mask entries must be 0 or 1");
            }
        }

        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        InputIds = inputIds;
        TokenTypeIds = tokenTypeIds;
        AttentionMask = attentionMask;
    }

    /// <summary>Number of sequences.</summary>
    public int BatchSize { get; }

    /// <summary>Padded length of every sequence.</summary>
    public int SequenceLength { get; }

    /// <summary>Token ids, [BatchSize·SequenceLength].</summary>
    public int[] InputIds { get; }

    /// <summary>Token-type ids, [BatchSize·SequenceLength].</summary>
    public int[] TokenTypeIds { get; }

    /// <summary>Attention mask, 1 for tokens and 0 for padding, [BatchSize·SequenceLength].</summary>
    public int[] AttentionMask { get; }

    /// <summary>The mask as a float tensor [BatchSize, SequenceLength] (no gradient).</summary>
    public Tensor MaskTensor()
    {
        var t = new Tensor(BatchSize, SequenceLength);
        var s = t.Span;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = AttentionMask[i];
        }

        return t;
    }

    private static void Check(int[] values, int n, string name)
    {
        if (values.Length != n)
        {
            throw new ArgumentException($"{name} has {values.Length} entries, expected batch × length = {n}", name);
        }
    }
}
