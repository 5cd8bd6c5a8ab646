namespace Descent.Text.Classification;

/// <summary>The classification head on top of the pooled features.</summary>
public enum ClassifierHead
{
    /// <summary>Dropout then one linear layer (logistic regression on the features; BERT's usual head).</summary>
    Linear,

    /// <summary>
    /// Dropout, linear to <see cref="TextFineTuneOptions.HeadHiddenSize"/>, GELU, dropout, linear to the classes (head-only
    /// mode only).
    /// </summary>
    Mlp,
}
