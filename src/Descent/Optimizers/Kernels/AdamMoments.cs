using System.Runtime.CompilerServices;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The first half of the Adam family's update (Adam, AdamW, NAdam, RAdam), in PyTorch's float32 order:
/// <code>
/// g = maximize ? −g : g
/// decoupled: p = p·(1 − lr·wd)        coupled: g = g + wd·p   (when wd ≠ 0)
/// m = lerp(m, g, 1 − β1)
/// v = v·β2 + (1 − β2)·g·g
/// </code>
/// in scalar and vector form with the same IEEE operations (fused multiply-adds where PyTorch's vectorized
/// kernels have them).
/// </summary>
internal readonly struct AdamMoments
{
    private readonly float beta1Weight, w1, beta2, oneMinusBeta2, weightDecay, decayFactor;
    private readonly bool small, decoupled, coupled, maximize;

    /// <summary>The constants of one step.</summary>
    public AdamMoments(float beta1Weight, float beta2, float oneMinusBeta2, float weightDecay, float decayFactor, bool decoupled, bool maximize)
    {
        this.beta1Weight = beta1Weight;
        w1 = Lerp.Coefficient(beta1Weight);
        small = MathF.Abs(beta1Weight) < 0.5f;
        this.beta2 = beta2;
        this.oneMinusBeta2 = oneMinusBeta2;
        this.weightDecay = weightDecay;
        this.decayFactor = decayFactor;
        this.decoupled = decoupled;
        coupled = !decoupled && weightDecay != 0;
        this.maximize = maximize;
    }

    /// <summary>The constants from the hyperparameters (coupled L2 decay, or decoupled 1 − lr·wd with
    /// <paramref name="decoupled"/>), rounded to float32.</summary>
    public static AdamMoments Create(double learningRate, double beta1, double beta2, double weightDecay, bool decoupled, bool maximize) => new(
        (float)(1 - beta1),
        (float)beta2,
        (float)(1 - beta2),
        decoupled ? 0f : (float)weightDecay,
        decoupled ? (float)(1 - (learningRate * weightDecay)) : 1f,
        decoupled && weightDecay != 0,
        maximize);

    /// <summary>Scalar form: updates the parameter value <paramref name="p"/> and gradient value
    /// <paramref name="g"/> (locals) and the moments <paramref name="m"/>, <paramref name="v"/> (state).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Scalar(ref float p, ref float g, ref float m, ref float v)
    {
        if (maximize)
        {
            g = -g;
        }

        if (decoupled)
        {
            p *= decayFactor;
        }
        else if (coupled)
        {
            g = MathF.FusedMultiplyAdd(weightDecay, p, g);
        }

        m = Lerp.Scalar(m, g, beta1Weight);
        v = MathF.FusedMultiplyAdd(oneMinusBeta2 * g, g, v * beta2);
    }

    /// <summary>Loads p, g, m, v at element <paramref name="i"/>, applies <see cref="Vector{TV}(ref TV, ref TV, ref TV, ref TV)"/>,
    /// stores the moments and returns the four updated values (the caller stores the parameter).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float v, nuint i, out TV pv, out TV gv, out TV mv, out TV vv)
        where TV : struct, IFloatVector<TV>
    {
        pv = TV.Load(ref p, i);
        gv = TV.Load(ref g, i);
        mv = TV.Load(ref m, i);
        vv = TV.Load(ref v, i);
        Vector(ref pv, ref gv, ref mv, ref vv);
        TV.Store(mv, ref m, i);
        TV.Store(vv, ref v, i);
    }

    /// <summary>Vector form of <see cref="Scalar"/> (all four are values; the caller loads and stores).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref TV p, ref TV g, ref TV m, ref TV v)
        where TV : struct, IFloatVector<TV>
    {
        if (maximize)
        {
            g = -g;
        }

        if (decoupled)
        {
            p *= TV.Create(decayFactor);
        }
        else if (coupled)
        {
            g = TV.MulAdd(TV.Create(weightDecay), p, g);
        }

        m = Lerp.Vector(m, g, TV.Create(w1), small);
        v = TV.MulAdd(TV.Create(oneMinusBeta2) * g, g, v * TV.Create(beta2));
    }
}
