using System.Numerics.Tensors;

namespace Descent.Autodiff.Ops;

/// <summary>y = xᵖ for a constant exponent p; dx = g · p · xᵖ⁻¹ (zero when p = 0, as in PyTorch).</summary>
/// <param name="exponent">The constant exponent p.</param>
internal readonly struct PowOp(float exponent) : IUnaryOperator
{
    public static string Name => "Pow";

    public void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        if (exponent == 2f)
        {
            TensorPrimitives.Multiply(x, x, y);
        }
        else if (exponent == 1f)
        {
            x.CopyTo(y);
        }
        else
        {
            TensorPrimitives.Pow(x, exponent, y);
        }
    }

    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        if (exponent == 0f)
        {
            gx.Clear();
            return;
        }

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
        TensorPrimitives.Multiply(gx, g, gx);
    }
}
