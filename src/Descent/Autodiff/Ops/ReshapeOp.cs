namespace Descent.Autodiff.Ops;

/// <summary>A view with another shape over the same storage; the gradient passes through unchanged.</summary>
internal sealed class ReshapeOp : Node
{
    private ReshapeOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "ViewBackward";

    public static Tensor Forward(Tensor x, ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        var resolved = Resolve(x.Shape, shape);
        var y = new Tensor(x.Buffer, x.Offset, resolved);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new ReshapeOp(x)) : y;
    }

    /// <summary>Resolves a requested shape with at most one −1 against <paramref name="from"/>'s element count.</summary>
    internal static int[] Resolve(ReadOnlySpan<int> from, ReadOnlySpan<int> shape)
    {
        var count = ShapeUtil.Count(from);
        var inferred = -1;
        long known = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                if (inferred >= 0)
                {
                    throw new ShapeMismatchException("Reshape", from, shape, "only one dimension can be -1");
                }

                inferred = i;
            }
            else if (shape[i] < 0)
            {
                throw new ShapeMismatchException("Reshape", from, shape, $"dimension {i} is negative");
            }
            else
            {
                known *= shape[i];
            }
        }

        var result = shape.ToArray();
        if (inferred >= 0)
        {
            if (known == 0 || count % known != 0)
            {
                throw new ShapeMismatchException("Reshape", from, shape,
                    $"cannot infer the -1 dimension: {count} elements are not a multiple of {known}");
            }

            result[inferred] = (int)(count / known);
        }
        else if (known != count)
        {
            throw new ShapeMismatchException("Reshape", from, shape, $"{count} elements cannot take a shape of {known}");
        }

        return result;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        if (x.RequiresGrad && !output.HandGradTo(x))
        {
            x.AccumulateGrad(gradOutput);
        }
    }
}
