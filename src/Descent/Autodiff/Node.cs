namespace Descent.Autodiff;

/// <summary>
/// A recorded operation: it remembers its inputs (and whatever it saved from the forward pass) and, given
/// the gradient of its output, adds the gradients of its inputs into them.
/// </summary>
/// <remarks>
/// Each operation lives in one file under <c>Autodiff/Ops</c> with its forward and backward together: either
/// an internal sealed node class whose static <c>Forward</c> computes the result and records the node (via
/// <see cref="Tape.ShouldRecord(Tensor)"/>), or, for the families that share their recording and gradient
/// plumbing (element-wise unary, broadcasting binary, row-wise along an axis), an operator struct with the
/// forward and backward kernels, run by the family's generic node (<c>UnaryOp</c>, <c>BinaryOp</c>,
/// <c>RowOp</c>).
/// </remarks>
public abstract class Node
{
    private readonly Tensor[] inputs;

    protected Node(params Tensor[] inputs)
    {
        this.inputs = inputs;
    }

    /// <summary>The operation's name, as PyTorch's grad_fn would show it (e.g. "MatMulBackward").</summary>
    public abstract string Name { get; }

    /// <summary>The tensors this operation read.</summary>
    public IReadOnlyList<Tensor> Inputs => inputs;

    /// <summary>The tensor this operation produced (set when the node is recorded).</summary>
    public Tensor? Output { get; internal set; }

    /// <summary>Visit stamp used by the topological sort of one backward pass.</summary>
    internal int VisitStamp { get; set; }

    /// <summary>
    /// Given the gradient of the output (same length as <paramref name="output"/>), calls
    /// <c>AccumulateGrad</c> on each input that <see cref="Tensor.RequiresGrad"/>.
    /// </summary>
    protected internal abstract void Backward(Tensor output, ReadOnlySpan<float> gradOutput);
}
