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

    /// <summary>The update for one step: the per-step constants computed once (in double, as PyTorch does in Python)
    /// and rounded to float32 the way PyTorch passes scalars to its float32 kernels.</summary>
    public AdamaxKernel(double learningRate, double beta1, double beta2, double eps, double weightDecay, bool maximize, long step)
    {
        gradient = new((float)weightDecay, maximize);
        beta1Weight = (float)(1 - beta1);
        w1 = Lerp.Coefficient(beta1Weight);
        small = MathF.Abs(beta1Weight) < 0.5f;
        this.beta2 = (float)beta2;
        epsilon = (float)eps;
        negStepSize = (float)-(learningRate / (1 - Math.Pow(beta1, step)));
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
