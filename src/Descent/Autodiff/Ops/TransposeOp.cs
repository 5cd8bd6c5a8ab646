namespace Descent.Autodiff.Ops;

/// <summary>2-D transpose (copied into a new contiguous tensor); the gradient is transposed back.</summary>
internal sealed class TransposeOp : Node
{
    private const int Block = 32;

    private TransposeOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "TransposeBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2)
        {
            throw new ArgumentException(
                $"Transpose: needs a 2-D tensor, got shape {ShapeUtil.Format(x.Shape)}", nameof(x));
        }

        int rows = x.Shape[0], cols = x.Shape[1];
        var y = Tensor.Output([cols, rows]);
        Transpose(x.Span, rows, cols, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new TransposeOp(x)) : y;
    }

    /// <summary>destination[j, i] = source[i, j] for a rows×cols source, in cache-sized tiles.</summary>
    internal static void Transpose(ReadOnlySpan<float> source, int rows, int cols, Span<float> destination)
    {
        for (var i0 = 0; i0 < rows; i0 += Block)
        {
            var i1 = Math.Min(i0 + Block, rows);
            for (var j0 = 0; j0 < cols; j0 += Block)
            {
                var j1 = Math.Min(j0 + Block, cols);
                for (var i = i0; i < i1; i++)
                {
                    for (var j = j0; j < j1; j++)
                    {
                        destination[(j * rows) + i] = source[(i * cols) + j];
                    }
                }
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

        int rows = x.Shape[0], cols = x.Shape[1];
        var buffer = ArrayPoolBuffer.Rent(x.Length);
        var gx = buffer.AsSpan(0, x.Length);
        Transpose(gradOutput, cols, rows, gx);
        x.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
