namespace Descent.Autodiff.Ops;

/// <summary>
/// An element-wise binary operation y = f(a, b) with broadcasting, for the one autodiff driver
/// <see cref="BinaryOp{TOperator}"/>: the operator is its own broadcasting kernel (<see cref="IBinaryKernel"/>) and
/// adds the gradients of its operands, each summed back to the operand's shape, in <see cref="Backward"/>.
/// </summary>
internal interface IBinaryOperator : IBinaryKernel
{
    /// <summary>The operation's name as PyTorch's grad_fn shows it, without "Backward" (e.g. "Add").</summary>
    static abstract string Name { get; }

    /// <summary>Adds the gradients of <paramref name="a"/> and <paramref name="b"/> (those that require one) given
    /// the gradient <paramref name="g"/> of <paramref name="output"/> (shape: the broadcast shape).</summary>
    static abstract void Backward(Tensor a, Tensor b, Tensor output, ReadOnlySpan<float> g);
}
