using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = xᵖ for a constant exponent p; dx = g · p · xᵖ⁻¹ (zero when p = 0, as in PyTorch).</summary>
internal sealed class PowOp : Node
{
    private readonly float exponent;

    private PowOp(Tensor x, float exponent)
        : base(x)
    {
        this.exponent = exponent;
    }

    public override string Name => "PowBackward";

    public static Tensor Forward(Tensor x, float exponent)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        if (exponent == 2f)
        {
            TensorPrimitives.Multiply(x.Span, x.Span, y.Span);
        }
        else if (exponent == 1f)
        {
            x.Span.CopyTo(y.Span);
        }
        else
        {
            TensorPrimitives.Pow(x.Span, exponent, y.Span);
        }

        return Tape.ShouldRecord(x) ? Tape.Record(y, new PowOp(x, exponent)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var input = Inputs[0];
        if (!input.RequiresGrad)
        {
            return;
        }

        var x = input.Span;
        var buffer = ArrayPoolBuffer.Rent(x.Length);
        var gx = buffer.AsSpan(0, x.Length);
        if (exponent == 0f)
        {
            gx.Clear();
        }
        else
        {
            if (exponent == 2f)
            {
                x.CopyTo(gx);
            }
            else if (exponent == 1f)
            {
                gx.Fill(1f);
            }
            else
            {
                TensorPrimitives.Pow(x, exponent - 1f, gx);
            }

            TensorPrimitives.Multiply(gx, exponent, gx);
            TensorPrimitives.Multiply(gx, gradOutput, gx);
        }

        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
