namespace Descent.Autodiff.Ops;

/// <summary>
/// The autodiff node of every element-wise binary operation with broadcasting: <see cref="Forward"/> computes
/// y = f(a, b) over the broadcast shape with <typeparamref name="TOperator"/> as the kernel and records the node;
/// <see cref="Backward"/> leaves the gradients to the operator.
/// </summary>
/// <typeparam name="TOperator">The operation.</typeparam>
internal sealed class BinaryOp<TOperator> : Node
    where TOperator : struct, IBinaryOperator
{
    private static readonly string GradFnName = TOperator.Name + "Backward";

    private BinaryOp(Tensor a, Tensor b)
        : base(a, b)
    {
    }

    public override string Name => GradFnName;

    public static Tensor Forward(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = Broadcasting.Shape(a.Shape, b.Shape, TOperator.Name);
        var y = Tensor.Output(shape);
        Broadcasting.Binary<TOperator>(a.Span, a.Shape, b.Span, b.Shape, y.Span, shape);
        return Tape.ShouldRecord(a, b) ? Tape.Record(y, new BinaryOp<TOperator>(a, b)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput) =>
        TOperator.Backward(Inputs[0], Inputs[1], output, gradOutput);
}
