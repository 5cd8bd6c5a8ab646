namespace Descent.Autodiff.Ops;

/// <summary>
/// An element-wise operation y = f(x) with its gradient, as span kernels, for the one autodiff driver
/// <see cref="UnaryOp{TOperator}"/> (as <c>TensorPrimitives</c> does with its operator structs). Implemented by
/// readonly structs, whose fields are the operation's constants (e.g. an exponent); the forward and backward
/// kernels of each operation stand together in its file.
/// </summary>
internal interface IUnaryOperator
{
    /// <summary>The operation's name as PyTorch's grad_fn shows it, without "Backward" (e.g. "Exp").</summary>
    static abstract string Name { get; }

    /// <summary>y = f(x), element-wise; <paramref name="y"/> has x's length and every element is written.</summary>
    void Forward(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>gx = g · f′(x), element-wise, given the input <paramref name="x"/> and the output
    /// <paramref name="y"/> = f(x); every element of <paramref name="gx"/> is written.</summary>
    void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx);
}
