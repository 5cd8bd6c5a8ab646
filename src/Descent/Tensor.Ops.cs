using Descent.Autodiff.Ops;

namespace Descent;

/// <summary>Differentiable operations, each implemented (forward and backward) in one class under
/// <c>Autodiff/Ops</c>.</summary>
public partial class Tensor
{
    /// <summary>Element-wise hyperbolic tangent.</summary>
    public Tensor Tanh() => TanhOp.Forward(this);
}
