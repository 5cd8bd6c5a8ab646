using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The gradient as torch.optim's single-tensor kernels first form it: <c>g = maximize ? −g : g</c>, then, when
/// wd ≠ 0, the coupled L2 term <c>g = g + wd·p</c> as one fused multiply-add (PyTorch's vectorized
/// <c>add(g, p, alpha=wd)</c>); scalar and vector form with the same IEEE operations.
/// </summary>
internal readonly struct L2Gradient
{
    private readonly float weightDecay;
    private readonly bool decay, maximize;

    /// <summary>The constants of one step.</summary>
    public L2Gradient(float weightDecay, bool maximize)
    {
        this.weightDecay = weightDecay;
        decay = weightDecay != 0;
        this.maximize = maximize;
    }

    /// <summary>Scalar form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Scalar(float g, float p)
    {
        if (maximize)
        {
            g = -g;
        }

        return decay ? MathF.FusedMultiplyAdd(weightDecay, p, g) : g;
    }

    /// <summary>Vector form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TV Vector<TV>(TV g, TV p)
        where TV : struct, IFloatVector<TV>
    {
        if (maximize)
        {
            g = -g;
        }

        return decay ? TV.MulAdd(TV.Create(weightDecay), p, g) : g;
    }
}
