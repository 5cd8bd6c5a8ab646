namespace Descent.Autodiff.Ops;

/// <summary>
/// The autodiff node of every row-wise operation along an axis: <see cref="Forward"/> maps each row with
/// <typeparamref name="TOperator"/>'s row kernel and records the node; <see cref="Backward"/> maps each row of the
/// output and its gradient with the operator's backward row kernel into the input's gradient.
/// </summary>
/// <typeparam name="TOperator">The operation.</typeparam>
internal sealed class RowOp<TOperator> : Node
    where TOperator : struct, IRowOperator
{
    private static readonly string GradFnName = TOperator.Name + "Backward";

    private readonly int axis;

    private RowOp(Tensor x, int axis)
        : base(x)
    {
        this.axis = axis;
    }

    public override string Name => GradFnName;

    /// <summary>The operation along <paramref name="axis"/> (negative counts from the end).</summary>
    public static Tensor Forward(Tensor x, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        var ax = ShapeUtil.NormalizeAxis(axis, x.Rank);
        var y = Tensor.Output(x.Shape);
        AxisRows.Map<TOperator>(x.Shape, ax, x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new RowOp<TOperator>(x, ax)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        if (!x.RequiresGrad)
        {
            return;
        }

        var gx = GradientScratch.For(x);
        AxisRows.MapBackward<TOperator>(x.Shape, axis, output.Span, gradOutput, gx.Span);
        gx.AccumulateInto(x);
    }
}
