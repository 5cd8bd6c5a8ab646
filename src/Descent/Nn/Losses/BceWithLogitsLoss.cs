using Descent.Autodiff.Ops;

namespace Descent.Nn.Losses;

/// <summary>
/// Binary cross-entropy on logits, mean over elements of max(x, 0) − x·t + log(1 + e^(−|x|)) — the
/// numerically stable form of −[t·log σ(x) + (1 − t)·log(1 − σ(x))]; equivalent to
/// torch.nn.BCEWithLogitsLoss() (mean reduction, no weights). Targets (same shape as the logits) are
/// usually 0 or 1 but may be any probability. The gradient is (σ(x) − t) / n.
/// </summary>
public sealed class BceWithLogitsLoss
{
    /// <summary>The loss, a 0-D tensor.</summary>
    public Tensor Forward(Tensor logits, Tensor targets) => BceWithLogitsOp.Forward(logits, targets);
}
