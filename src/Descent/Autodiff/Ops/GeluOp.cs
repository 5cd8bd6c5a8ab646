using Descent.Numerics;

namespace Descent.Autodiff.Ops;

/// <summary>Exact GELU: y = x · Φ(x) = ½x(1 + erf(x/√2)); dx = g · (Φ(x) + x · φ(x)). Evaluated in double and rounded once.</summary>
internal sealed class GeluOp : Node
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;

    private GeluOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "GeluBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = new Tensor(x.Shape);
        Forward(x.Span, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new GeluOp(x)) : y;
    }

    /// <summary>y = GELU(x), element-wise (the forward kernel, also used by tests).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            double v = x[i];
            y[i] = (float)(0.5 * v * (1.0 + SpecialFunctions.Erf(v * InvSqrt2)));
        }
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var input = Inputs[0];
        if (!input.RequiresGrad)
        {
            return;
        }

        var x = input.Span;
        var buffer = ArrayPoolBuffer.Rent(input.Length);
        var gx = buffer.AsSpan(0, input.Length);
        for (var i = 0; i < gx.Length; i++)
        {
            double v = x[i];
            var cdf = 0.5 * (1.0 + SpecialFunctions.Erf(v * InvSqrt2));
            var pdf = Math.Exp(-0.5 * v * v) * InvSqrt2Pi;
            gx[i] = (float)(gradOutput[i] * (cdf + (v * pdf)));
        }
        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
