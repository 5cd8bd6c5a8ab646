namespace Descent.Optimizers;

/// <summary>How <see cref="Muon"/> scales the learning rate by the matrix's shape (PyTorch:
/// <c>adjust_lr_fn</c>), so that the orthogonalized update has a consistent RMS across rectangular matrices.</summary>
public enum MuonLearningRateAdjustment
{
    /// <summary>Keller Jordan's rule (PyTorch's default, <c>None</c> or <c>"original"</c>):
    /// lr·√max(1, rows/cols).</summary>
    [Hyperparameter("original")]
    Original,

    /// <summary>Moonshot's rule (<c>"match_rms_adamw"</c>, "Muon is Scalable for LLM Training", 2025):
    /// 0.2·lr·√max(rows, cols), so that lr and weight decay tuned for AdamW can be reused.</summary>
    [Hyperparameter("match_rms_adamw")]
    MatchRmsAdamW,
}
