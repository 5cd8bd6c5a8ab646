using System.Numerics.Tensors;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Autodiff.Ops;

/// <summary>y = max(x, 0); dx = g where y &gt; 0, else 0 (0 at the kink, as in PyTorch).</summary>
internal readonly struct ReluOp : IUnaryOperator
{
    public static string Name => "Relu";

    public void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> gx)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Branch-free select: the sign pattern of activations is random, so a per-element branch mispredicts.
            for (; i <= gx.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var positive = Vector.GreaterThan(new Vector<float>(y[i..]), Vector<float>.Zero);
                Vector.ConditionalSelect(positive, new Vector<float>(g[i..]), Vector<float>.Zero).CopyTo(gx[i..]);
            }
        }

        for (; i < gx.Length; i++)
        {
            gx[i] = y[i] > 0f ? g[i] : 0f;
        }
    }
}
