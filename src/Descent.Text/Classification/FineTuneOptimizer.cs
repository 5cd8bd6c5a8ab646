namespace Descent.Text.Classification;

/// <summary>The optimizer presets of <see cref="TextFineTuneOptions"/> (see there for their hyperparameters).</summary>
public enum FineTuneOptimizer
{
    /// <summary>AdamW (β 0.9/0.999, ε 1e-8), weight decay 0.01 except biases and LayerNorm weights.</summary>
    AdamW,

    /// <summary>Adam (β 0.9/0.999, ε 1e-8), no weight decay.</summary>
    Adam,

    /// <summary>SGD with momentum 0.9 (PyTorch convention), no weight decay.</summary>
    Sgd,
}
