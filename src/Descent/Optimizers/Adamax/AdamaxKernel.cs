using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused Adamax update (PyTorch's <c>_single_tensor_adamax</c> order, float32); buffers a = exp_avg,
/// b = exp_inf:
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// m = lerp(m, g, 1 − β1)
/// u = max(u·β2, |g| + ε)              (NaN propagates, like torch.maximum)
/// p = p + (−lr/(1 − β1ᵗ))·m / u
/// </code>
/// </summary>
internal readonly struct AdamaxKernel : IElementwiseUpdate
{
    private readonly L2Gradient gradient;
    private readonly bool small;
    private readonly float beta1Weight, w1, beta2, epsilon, negStepSize;

    /// <summary>The update with the step's scalars.</summary>
    public AdamaxKernel(in AdamaxStepScalars s)
    {
        gradient = new(s.WeightDecay, s.Maximize);
        beta1Weight = s.Beta1Weight;
        w1 = Lerp.Coefficient(s.Beta1Weight);
        small = MathF.Abs(s.Beta1Weight) < 0.5f;
        beta2 = s.Beta2;
        epsilon = s.Epsilon;
        negStepSize = s.NegStepSize;
    }

    /// <inheritdoc />
    public void Scalar(ref float param, float grad, ref float expAvg, ref float expInf, ref float unused)
    {
        var p = param;
        var g = gradient.Scalar(grad, p);
        var m = Lerp.Scalar(expAvg, g, beta1Weight);
        var u = MathF.Max(expInf * beta2, MathF.Abs(g) + epsilon);
        expAvg = m;
        expInf = u;
        param = p + (negStepSize * m / u);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float u, ref float unused, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var pv = TV.Load(ref p, i);
        var gv = gradient.Vector(TV.Load(ref g, i), pv);
        var mv = Lerp.Vector(TV.Load(ref m, i), gv, TV.Create(w1), small);
        var uv = TV.Max(TV.Load(ref u, i) * TV.Create(beta2), TV.Abs(gv) + TV.Create(epsilon));
        TV.Store(mv, ref m, i);
        TV.Store(uv, ref u, i);
        TV.Store(pv + (TV.Create(negStepSize) * mv / uv), ref p, i);
    }
}
