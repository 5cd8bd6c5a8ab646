namespace Descent.Text.Classification;

/// <summary>Which hidden states of a frozen encoder are pooled into head-only features.</summary>
public enum FeatureLayers
{
    /// <summary>The last layer's output only (the sentence embedding).</summary>
    Last,

    /// <summary>The embedding output and every layer's output, concatenated (lower layers keep more lexical information).</summary>
    All,
}
