namespace Descent.Autodiff.Ops;

/// <summary>
/// The autodiff node of every element-wise operation y = f(x): <see cref="Forward"/> computes the output with
/// <typeparamref name="TOperator"/>'s forward kernel and records the node; <see cref="Backward"/> adds
/// g · f′(x) (the operator's backward kernel, into pooled scratch) to the input's gradient.
/// </summary>
/// <typeparam name="TOperator">The operation (its kernels and constants).</typeparam>
internal sealed class UnaryOp<TOperator> : Node
    where TOperator : struct, IUnaryOperator
{
    private static readonly string GradFnName = TOperator.Name + "Backward";

    private readonly TOperator op;

    private UnaryOp(Tensor x, TOperator op)
        : base(x)
    {
        this.op = op;
    }

    public override string Name => GradFnName;

    /// <summary>y = f(x) with the operator's constants in <paramref name="op"/> (none: <c>default</c>).</summary>
    public static Tensor Forward(Tensor x, TOperator op = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        op.Forward(x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new UnaryOp<TOperator>(x, op)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var input = Inputs[0];
        if (!input.RequiresGrad)
        {
            return;
        }

        var gx = GradientScratch.For(input);
        op.Backward(input.Span, output.Span, gradOutput, gx.Span);
        gx.AccumulateInto(input);
    }
}
