using System.Numerics.Tensors;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Autodiff.Ops;

/// <summary>y = max(x, 0); dx = g where y &gt; 0, else 0 (0 at the kink, as in PyTorch).</summary>
internal sealed class ReluOp : Node
{
    private ReluOp(Tensor x)
        : base(x)
    {
    }

    public override string Name => "ReluBackward";

    public static Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Output(x.Shape);
        TensorPrimitives.Max(x.Span, 0f, y.Span);
        return Tape.ShouldRecord(x) ? Tape.Record(y, new ReluOp(x)) : y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var input = Inputs[0];
        if (!input.RequiresGrad)
        {
            return;
        }

        var y = output.Span;
        var buffer = ArrayPoolBuffer.Rent(y.Length);
        var gx = buffer.AsSpan(0, y.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Branch-free select: the sign pattern of activations is random, so a per-element branch mispredicts.
            for (; i <= gx.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var positive = Vector.GreaterThan(new Vector<float>(y[i..]), Vector<float>.Zero);
                Vector.ConditionalSelect(positive, new Vector<float>(gradOutput[i..]), Vector<float>.Zero).CopyTo(gx[i..]);
            }
        }

        for (; i < gx.Length; i++)
        {
            gx[i] = y[i] > 0f ? gradOutput[i] : 0f;
        }

        input.AccumulateGrad(gx);
        ArrayPoolBuffer.Return(buffer);
    }
}
