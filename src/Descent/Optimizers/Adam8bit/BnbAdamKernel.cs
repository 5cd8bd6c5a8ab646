using System.Runtime.CompilerServices;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// bitsandbytes' Adam step on float32 values (buffers a = m, b = v; the 8-bit path runs it on one decoded block,
/// the 32-bit path on the whole tensor), in the float32 operation order of one <see cref="BnbConvention"/>
/// (bitsandbytes @ 95f9af309d4d5793847169c39288dcd3fcbdf564). With c1 = 1 − β1ᵗ, c2 = √(1 − β2ᵗ):
/// <code>
/// CUDA, 8-bit:  v = v·β2 + ((1−β2)·g)·g     m = m·β1 + (1−β1)·g
/// CUDA, 32-bit: m = m·β1 + (1−β1)·g         v = v·β2 + (1−β2)·(g·g)
///               p = p + (−lr·c2/c1)·(m / (√v + c2·ε));  wd &gt; 0: p = p·(1 − lr·wd)
/// CPU:          m = fma(g, 1−β1, m·β1)      v = fma((1−β2)·g, g, v·β2)
///   8-bit:      wd &gt; 0: p = p·(1 − lr·wd);  p = p + ((−lr/c1)·m) / (√v/c2 + ε)
///   32-bit:     wd &gt; 0: p = p·(1 − lr·wd);  p = fma(m / (√v + ε·c2), −lr·c2/c1, p)
/// </code>
/// CUDA's scalars are float32 throughout (β, lr, ε, wd rounded first); the CPU backend's are computed in double
/// and rounded once. A non-finite gradient element sets its m and v to 0 and leaves its parameter unchanged (the
/// CUDA kernels' rule, used for both conventions).
/// </summary>
internal readonly struct BnbAdamKernel : IElementwiseUpdate
{
    private readonly float beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, denomEps, correction2, decay;
    private readonly bool cpu, compact, decays;

    /// <summary>The constants of step <paramref name="step"/>; <paramref name="compact"/>: the 8-bit (block-wise)
    /// path rather than the 32-bit one.</summary>
    public BnbAdamKernel(Adam8bitFamilyOptions options, long step, bool compact)
    {
        cpu = options.Convention == BnbConvention.Cpu;
        this.compact = compact;
        decays = options.WeightDecay > 0;
        var (lr, eps, wd) = (options.LearningRate, options.Epsilon, options.WeightDecay);
        if (cpu)
        {
            beta1 = (float)options.Beta1;
            oneMinusBeta1 = (float)(1 - options.Beta1);
            beta2 = (float)options.Beta2;
            oneMinusBeta2 = (float)(1 - options.Beta2);
            var c1 = 1 - Math.Pow(options.Beta1, step);
            var c2 = Math.Sqrt(1 - Math.Pow(options.Beta2, step));
            correction2 = (float)c2;
            stepSize = compact ? (float)(-lr / c1) : (float)(-lr * c2 / c1);
            denomEps = compact ? (float)eps : (float)(eps * c2);
            decay = (float)(1 - (lr * wd));
        }
        else
        {
            beta1 = (float)options.Beta1;
            oneMinusBeta1 = 1f - beta1;
            beta2 = (float)options.Beta2;
            oneMinusBeta2 = 1f - beta2;
            var c1 = 1f - PowF(beta1, step);
            correction2 = MathF.Sqrt(1f - PowF(beta2, step));
            var lrf = (float)lr;
            stepSize = (-lrf * correction2) / c1;
            denomEps = correction2 * (float)eps;
            decay = 1f - (lrf * (float)wd);
        }
    }

    /// <summary>β1 as the kernel uses it (float32).</summary>
    public float Beta1 => beta1;

    /// <summary>1 − β1 as the kernel uses it (float32).</summary>
    public float OneMinusBeta1 => oneMinusBeta1;

    /// <inheritdoc />
    public void Scalar(ref float p, float g, ref float m, ref float v, ref float unused)
    {
        if (!float.IsFinite(g))
        {
            m = 0f;
            v = 0f;
            return;
        }

        if (cpu)
        {
            m = MathF.FusedMultiplyAdd(g, oneMinusBeta1, m * beta1);
            v = MathF.FusedMultiplyAdd(oneMinusBeta2 * g, g, v * beta2);
            var x = decays ? p * decay : p;
            p = compact
                ? x + (stepSize * m / ((MathF.Sqrt(v) / correction2) + denomEps))
                : MathF.FusedMultiplyAdd(m / (MathF.Sqrt(v) + denomEps), stepSize, x);
            return;
        }

        if (compact)
        {
            v = (v * beta2) + (oneMinusBeta2 * g * g);
            m = (m * beta1) + (oneMinusBeta1 * g);
        }
        else
        {
            m = (m * beta1) + (oneMinusBeta1 * g);
            v = (v * beta2) + (oneMinusBeta2 * (g * g));
        }

        var y = p + (stepSize * (m / (MathF.Sqrt(v) + denomEps)));
        p = decays ? y * decay : y;
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Vector<TV>(ref float p, ref float g, ref float m, ref float v, ref float unused, nuint i)
        where TV : struct, IFloatVector<TV>
    {
        var gv = TV.Load(ref g, i);
        var mv = TV.Load(ref m, i);
        var vv = TV.Load(ref v, i);
        var pv = TV.Load(ref p, i);
        var zero = TV.Create(0f);

        // Finite lanes: g − g is 0; ±Inf and NaN give NaN.
        var finite = TV.EqualsMask(gv - gv, zero);
        TV pn;
        if (cpu)
        {
            mv = TV.MulAdd(gv, TV.Create(oneMinusBeta1), mv * TV.Create(beta1));
            vv = TV.MulAdd(TV.Create(oneMinusBeta2) * gv, gv, vv * TV.Create(beta2));
            var x = decays ? pv * TV.Create(decay) : pv;
            pn = compact
                ? x + (TV.Create(stepSize) * mv / ((TV.Sqrt(vv) / TV.Create(correction2)) + TV.Create(denomEps)))
                : TV.MulAdd(mv / (TV.Sqrt(vv) + TV.Create(denomEps)), TV.Create(stepSize), x);
        }
        else
        {
            if (compact)
            {
                vv = (vv * TV.Create(beta2)) + (TV.Create(oneMinusBeta2) * gv * gv);
            }
            else
            {
                vv = (vv * TV.Create(beta2)) + (TV.Create(oneMinusBeta2) * (gv * gv));
            }

            mv = (mv * TV.Create(beta1)) + (TV.Create(oneMinusBeta1) * gv);
            var y = pv + (TV.Create(stepSize) * (mv / (TV.Sqrt(vv) + TV.Create(denomEps))));
            pn = decays ? y * TV.Create(decay) : y;
        }

        TV.Store(TV.Select(finite, mv, zero), ref m, i);
        TV.Store(TV.Select(finite, vv, zero), ref v, i);
        TV.Store(TV.Select(finite, pn, pv), ref p, i);
    }

    /// <summary>powf(x, n), correctly rounded (through double: exact for the powers a step count takes).</summary>
    private static float PowF(float x, long n) => (float)Math.Pow(x, n);
}
