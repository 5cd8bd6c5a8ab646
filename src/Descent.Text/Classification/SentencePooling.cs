namespace Descent.Text.Classification;

/// <summary>
/// How a frozen encoder's hidden states [S, hidden] of one text become a fixed-size feature; combine with <c>|</c> to
/// concatenate (in the order Mean, Max, Cls). Padding never takes part.
/// </summary>
[Flags]
public enum SentencePooling
{
    /// <summary>Mean over the real tokens (sentence-transformers' mean pooling; [CLS] and [SEP] included).</summary>
    Mean = 1,

    /// <summary>Element-wise maximum over the real tokens.</summary>
    Max = 2,

    /// <summary>The first token's ([CLS]) hidden state.</summary>
    Cls = 4,
}
