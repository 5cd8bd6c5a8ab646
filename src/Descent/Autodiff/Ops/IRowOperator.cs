namespace Descent.Autodiff.Ops;

/// <summary>
/// An operation that maps each row along one axis to a row of the same length (softmax, log-softmax), with its
/// gradient, for the one autodiff driver <see cref="RowOp{TOperator}"/>; <see cref="AxisRows"/> hands the kernels
/// contiguous rows.
/// </summary>
internal interface IRowOperator
{
    /// <summary>The operation's name as PyTorch's grad_fn shows it, without "Backward" (e.g. "Softmax").</summary>
    static abstract string Name { get; }

    /// <summary>y = f(x) for one contiguous row (<paramref name="y"/> does not overlap <paramref name="x"/>).</summary>
    static abstract void Row(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>gx = the row's gradient given its output <paramref name="y"/> and output gradient <paramref name="g"/>.</summary>
    static abstract void BackwardRow(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx);
}
