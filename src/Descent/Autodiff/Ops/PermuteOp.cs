namespace Descent.Autodiff.Ops;

/// <summary>
/// Axis permutation (like <c>torch.permute</c>, copied into a new contiguous tensor): output axis i is input axis
/// <c>axes[i]</c>. The gradient is permuted back with the inverse permutation.
/// </summary>
internal sealed class PermuteOp : Node
{
    private readonly int[] axes;

    private PermuteOp(Tensor x, int[] axes)
        : base(x)
    {
        this.axes = axes;
    }

    public override string Name => "PermuteBackward";

    public static Tensor Forward(Tensor x, ReadOnlySpan<int> axes)
    {
        ArgumentNullException.ThrowIfNull(x);
        var rank = x.Rank;
        if (axes.Length != rank)
        {
            throw new ArgumentException(
                $"Permute: {axes.Length} axes given for a tensor of shape {ShapeUtil.Format(x.Shape)}", nameof(axes));
        }

        var normalized = new int[rank];
        var seen = new bool[rank];
        for (var i = 0; i < rank; i++)
        {
            var a = ShapeUtil.NormalizeAxis(axes[i], rank);
            if (seen[a])
            {
                throw new ArgumentException($"Permute: axis {a} appears twice in [{string.Join(", ", axes.ToArray())}]", nameof(axes));
            }

            seen[a] = true;
            normalized[i] = a;
        }

        var outShape = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            outShape[i] = x.Shape[normalized[i]];
        }

        var y = Tensor.Output(outShape);
        Permute(x.Span, x.Shape, normalized, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new PermuteOp(x, normalized)) : y;
    }

    /// <summary>destination (shape = source shape permuted by axes) receives source's elements, row-major.</summary>
    internal static void Permute(ReadOnlySpan<float> source, ReadOnlySpan<int> sourceShape, int[] axes, Span<float> destination)
    {
        var rank = axes.Length;
        if (destination.Length == 0)
        {
            return;
        }

        var srcStrides = new int[rank];
        var stride = 1;
        for (var d = rank - 1; d >= 0; d--)
        {
            srcStrides[d] = stride;
            stride *= sourceShape[d];
        }

        // Strides of the source expressed along the destination's axes; the innermost destination axis is the loop.
        var shape = new int[rank];
        var steps = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            shape[i] = sourceShape[axes[i]];
            steps[i] = srcStrides[axes[i]];
        }

        if (rank == 0)
        {
            destination[0] = source[0];
            return;
        }

        var index = new int[rank];
        var inner = shape[rank - 1];
        var innerStep = steps[rank - 1];
        var srcBase = 0;
        for (var o = 0; o < destination.Length; o += inner)
        {
            var s = srcBase;
            var row = destination.Slice(o, inner);
            for (var j = 0; j < inner; j++, s += innerStep)
            {
                row[j] = source[s];
            }

            for (var d = rank - 2; d >= 0; d--)
            {
                srcBase += steps[d];
                if (++index[d] < shape[d])
                {
                    break;
                }

                srcBase -= steps[d] * shape[d];
                index[d] = 0;
            }
        }
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        if (!x.RequiresGrad)
        {
            return;
        }

        var inverse = new int[axes.Length];
        for (var i = 0; i < axes.Length; i++)
        {
            inverse[axes[i]] = i;
        }

        var gx = GradientScratch.For(x);
        Permute(gradOutput, output.Shape, inverse, gx.Span);
        gx.AccumulateInto(x);
    }
}
