namespace Descent.Tests.Optimizers.Bnb;

/// <summary>
/// A plain, slow transcription of bitsandbytes' 8-bit block-wise Adam, written from its sources at
/// bitsandbytes-foundation/bitsandbytes @ 95f9af309d4d5793847169c39288dcd3fcbdf564 (0.50.2.dev0, 2026-08-19), one
/// statement per source statement, as the independent reference the library's fused kernels are tested against:
/// <list type="bullet">
/// <item><c>bitsandbytes/functional.py</c>: <c>create_dynamic_map</c> (with torch.linspace's float32 CPU kernel).</item>
/// <item><c>bitsandbytes/optim/optimizer.py</c>: <c>Optimizer2State.init_state</c> (min_8bit_size, code-0 init,
/// ceil(n/256) absmax).</item>
/// <item><c>csrc/kernels.cu</c>: <c>dQuantize</c>, <c>quantize_2D</c>, <c>kQuantizeBlockwise</c>,
/// <c>kOptimizerStatic8bit2StateBlockwise</c>, <c>kOptimizer32bit2State</c> (ADAM) — float32, no contraction.</item>
/// <item><c>bitsandbytes/backends/cpu/ops.py</c>: <c>_optimizer_update_8bit_blockwise_cpu</c>,
/// <c>_optimizer_update_32bit_cpu</c>; <c>csrc/cpu_ops.cpp</c>: <c>build_quantize_lut</c>,
/// <c>norm_to_lut_index</c>, <c>quantize_cpu_impl</c>, <c>dequantizeBlockwise8bitCpu</c>. PyTorch's CPU
/// <c>add_(x, alpha)</c> and <c>addcmul_</c> are fused multiply-adds; Python scalars are doubles.</item>
/// </list>
/// </summary>
public static class BnbReference
{
    public const string Commit = "95f9af309d4d5793847169c39288dcd3fcbdf564";

    public const int Blocksize = 256;

    public const int MinEightBitSize = 4096;

    private const int KLutSize = 65536;

    /// <summary>functional.create_dynamic_map(signed, max_exponent_bits, total_bits).</summary>
    public static float[] CreateDynamicMap(bool signed, int maxExponentBits = 7, int totalBits = 8)
    {
        var data = new List<double>();
        var nonSignBits = totalBits - 1;
        var additionalItems = (1 << (nonSignBits - maxExponentBits)) - 1;
        for (var i = 0; i < maxExponentBits; i++)
        {
            var fractionItems = signed
                ? (1 << (i + nonSignBits - maxExponentBits)) + 1
                : (1 << (i + nonSignBits - maxExponentBits + 1)) + 1;
            var boundaries = TorchLinspace(0.1f, 1f, fractionItems);
            var means = new float[boundaries.Length - 1];
            for (var j = 0; j < means.Length; j++)
            {
                means[j] = (boundaries[j] + boundaries[j + 1]) / 2.0f;
            }

            // (10 ** e) * means: a Python scalar times a float32 tensor, computed in float32.
            var scale = (float)Math.Pow(10, -(maxExponentBits - 1) + i);
            data.AddRange(means.Select(x => (double)(scale * x)));
            if (signed)
            {
                data.AddRange(means.Select(x => (double)(-scale * x)));
            }
        }

        Assert.Equal(0, additionalItems);
        data.Add(0);
        data.Add(1.0);
        Assert.Equal(1 << totalBits, data.Count);
        data.Sort();
        return [.. data.Select(x => (float)x)];
    }

    /// <summary>torch.linspace(start, end, steps, dtype=float32) on the CPU (PyTorch ≥ 2.0): the first half counts
    /// up from start, the second down from end, each a fused multiply-add.</summary>
    public static float[] TorchLinspace(float start, float end, int steps)
    {
        var step = (end - start) / (steps - 1);
        var halfway = steps / 2;
        var result = new float[steps];
        for (var idx = 0; idx < steps; idx++)
        {
            result[idx] = idx < halfway
                ? MathF.FusedMultiplyAdd(step, idx, start)
                : MathF.FusedMultiplyAdd(-step, steps - idx - 1, end);
        }

        return result;
    }

    /// <summary>kernels.cu dQuantize&lt;0&gt;: the deterministic binary search from pivot 127.</summary>
    public static byte DQuantize(float[] smemCode, float x)
    {
        var pivot = 127;
        var upperPivot = 255;
        var lowerPivot = 0;
        var lower = -1.0f;
        var upper = 1.0f;
        var val = smemCode[pivot];
        for (var i = 64; i > 0; i >>= 1)
        {
            if (x > val)
            {
                lowerPivot = pivot;
                lower = val;
                pivot += i;
            }
            else
            {
                upperPivot = pivot;
                upper = val;
                pivot -= i;
            }

            val = smemCode[pivot];
        }

        if (upperPivot == 255)
        {
            upper = smemCode[upperPivot];
        }

        if (lowerPivot == 0)
        {
            lower = smemCode[lowerPivot];
        }

        if (x > val)
        {
            var midpoint = (upper + val) * 0.5f;
            return (byte)(x > midpoint ? upperPivot : pivot);
        }
        else
        {
            var midpoint = (lower + val) * 0.5f;
            return (byte)(x < midpoint ? lowerPivot : pivot);
        }
    }

    /// <summary>kernels.cu quantize_2D&lt;SIGNED&gt; (QUAD = 3 quadrant pivots, then the shared-memory code).</summary>
    public static byte Quantize2D(float[] smemCode, bool signed, float x)
    {
        const int quad = 3;
        var quadrants = new float[quad];
        for (var k = 0; k < quad; k++)
        {
            quadrants[k] = smemCode[(k * 256 / (quad + 1)) + ((256 / (quad + 1)) - 1)];
        }

        var pivot = 127;
        var upperPivot = 255;
        var lowerPivot = 0;
        var lower = signed ? -1.0f : 0.0f;
        var upper = 1.0f;
        float midpoint;
        var val = quadrants[1];
        var localPivot = 1;
        var offset = 1;
        for (var i = 64; i > 0; i >>= 1)
        {
            if (x > val)
            {
                lowerPivot = pivot;
                lower = val;
                pivot += i;
                localPivot += offset;
            }
            else
            {
                upperPivot = pivot;
                upper = val;
                pivot -= i;
                localPivot -= offset;
            }

            val = i >= 64 ? quadrants[localPivot] : smemCode[pivot];
            offset -= 1;
        }

        if (x > val)
        {
            midpoint = (upper + val) * 0.5f;
            return (byte)(x > midpoint ? upperPivot : pivot);
        }

        midpoint = (lower + val) * 0.5f;
        return (byte)(x < midpoint ? lowerPivot : pivot);
    }

    /// <summary>cpu_ops.cpp build_quantize_lut: for each of 65,536 points of [−1, 1], the number of code midpoints
    /// below it.</summary>
    public static byte[] BuildQuantizeLut(float[] codebook)
    {
        var midpoints = new float[255];
        for (var i = 0; i < 255; ++i)
        {
            midpoints[i] = 0.5f * (codebook[i] + codebook[i + 1]);
        }

        var lut = new byte[KLutSize];
        var codeIdx = 0;
        for (var i = 0; i < KLutSize; ++i)
        {
            var val = -1.0f + ((2.0f * i) / (KLutSize - 1));
            while (codeIdx < 255 && midpoints[codeIdx] < val)
            {
                ++codeIdx;
            }

            lut[i] = (byte)codeIdx;
        }

        return lut;
    }

    /// <summary>cpu_ops.cpp quantize_cpu_impl&lt;float&gt; (x86 path; GCC -mfma contracts norm_to_lut_index).</summary>
    public static void QuantizeCpu(float[] code, ReadOnlySpan<float> a, float[] absmax, byte[] output)
    {
        var lut = BuildQuantizeLut(code);
        var n = a.Length;
        var numBlocks = (n + Blocksize - 1) / Blocksize;
        for (var b = 0; b < numBlocks; ++b)
        {
            var blockStart = b * Blocksize;
            var blockEnd = Math.Min(blockStart + Blocksize, n);
            var absmaxBlock = 0.0f;
            for (var i = blockStart; i < blockEnd; ++i)
            {
                var f = MathF.Abs(a[i]);
                absmaxBlock = absmaxBlock < f ? f : absmaxBlock; // std::max(absmax_block, fabs(val))
            }

            absmax[b] = absmaxBlock;
            if (absmaxBlock == 0.0f)
            {
                for (var i = blockStart; i < blockEnd; ++i)
                {
                    output[i] = 0;
                }

                continue;
            }

            var invAbsmax = 1.0f / absmaxBlock;
            for (var i = blockStart; i < blockEnd; ++i)
            {
                var val = Math.Clamp(a[i] * invAbsmax, -1.0f, 1.0f);
                var index = (ushort)MathF.FusedMultiplyAdd((val + 1.0f) * 0.5f, KLutSize - 1, 0.5f);
                output[i] = lut[index];
            }
        }
    }

    /// <summary>kernels.cu kQuantizeBlockwise (STOCHASTIC = 0): absmax by fmaxf, x·(1/absmax), dQuantize.</summary>
    public static void QuantizeCuda(float[] code, ReadOnlySpan<float> a, float[] absmax, byte[] output)
    {
        for (var b = 0; b * Blocksize < a.Length; b++)
        {
            var end = Math.Min((b + 1) * Blocksize, a.Length);
            var localAbsMax = -float.MaxValue;
            for (var i = b * Blocksize; i < end; i++)
            {
                localAbsMax = MathF.Max(localAbsMax, MathF.Abs(a[i]));
            }

            absmax[b] = localAbsMax;
            var localInv = 1.0f / localAbsMax;
            for (var i = b * Blocksize; i < end; i++)
            {
                output[i] = DQuantize(code, a[i] * localInv);
            }
        }
    }

    /// <summary>functional.dequantize_blockwise / dequantizeBlockwise8bitCpu: code[A[i]]·absmax[i / blocksize].</summary>
    public static float[] Dequantize(float[] code, byte[] a, float[] absmax)
    {
        var output = new float[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            output[i] = code[a[i]] * absmax[i / Blocksize];
        }

        return output;
    }

    /// <summary>Optimizer2State.init_state: 32-bit m, v below min_8bit_size, otherwise uint8 zeros and absmax zeros.</summary>
    public static State InitState(int numel) => numel < MinEightBitSize
        ? new State { State1 = new float[numel], State2 = new float[numel] }
        : new State
        {
            Codes1 = new byte[numel],
            Codes2 = new byte[numel],
            Absmax1 = new float[((numel / Blocksize) + (numel % Blocksize == 0 ? 0 : 1))],
            Absmax2 = new float[((numel / Blocksize) + (numel % Blocksize == 0 ? 0 : 1))],
        };

    /// <summary>Optimizer2State.update_step for the "adam" kernel, CUDA semantics.</summary>
    public static void StepCuda(Hyper h, float[] p, float[] g, State s, float[] qmap1, float[] qmap2)
    {
        s.Step++;
        if (s.Codes1 is null)
        {
            KOptimizer32bit2StateAdam(h, p, g, s.State1!, s.State2!, (int)s.Step);
        }
        else
        {
            KOptimizerStatic8bit2StateBlockwiseAdam(h, p, g, s.Codes1, s.Codes2!, (int)s.Step, qmap1, qmap2, s.Absmax1!, s.Absmax2!);
        }
    }

    /// <summary>Optimizer2State.update_step for the "adam" kernel, CPU backend semantics.</summary>
    public static void StepCpu(Hyper h, float[] p, float[] g, State s, float[] qmap1, float[] qmap2)
    {
        s.Step++;
        if (s.Codes1 is null)
        {
            OptimizerUpdate32bitCpu(h, p, g, s.State1!, s.State2!, s.Step);
        }
        else
        {
            OptimizerUpdate8bitBlockwiseCpu(h, p, g, s.Codes1, s.Codes2!, s.Step, qmap1, qmap2, s.Absmax1!, s.Absmax2!);
        }
    }

    private static void KOptimizer32bit2StateAdam(Hyper h, float[] p, float[] g, float[] state1, float[] state2, int step)
    {
        var (beta1, beta2, eps, lr, weightDecay) = ((float)h.Beta1, (float)h.Beta2, (float)h.Eps, (float)h.Lr, (float)h.WeightDecay);
        var correction1 = 1.0f - PowF(beta1, step);
        var correction2 = MathF.Sqrt(1.0f - PowF(beta2, step));
        var stepSize = -lr * correction2 / correction1;
        for (var j = 0; j < p.Length; j++)
        {
            state1[j] = (state1[j] * beta1) + ((1.0f - beta1) * g[j]);
            state2[j] = (state2[j] * beta2) + ((1.0f - beta2) * (g[j] * g[j]));
            p[j] = p[j] + (1.0f * stepSize * (state1[j] / (MathF.Sqrt(state2[j]) + (eps * correction2))));
            if (weightDecay > 0.0f)
            {
                p[j] = p[j] * (1.0f - (lr * weightDecay));
            }
        }
    }

    private static void KOptimizerStatic8bit2StateBlockwiseAdam(
        Hyper h, float[] p, float[] g, byte[] state1, byte[] state2, int step, float[] quantiles1, float[] quantiles2, float[] absmax1, float[] absmax2)
    {
        var (beta1, beta2, eps, lr, weightDecay) = ((float)h.Beta1, (float)h.Beta2, (float)h.Eps, (float)h.Lr, (float)h.WeightDecay);
        var n = p.Length;
        var correction1 = 1.0f - PowF(beta1, step);
        var correction2 = MathF.Sqrt(1.0f - PowF(beta2, step));
        var stepSize = (-lr * correction2) / correction1;
        var nFull = absmax1.Length * Blocksize;
        var s1Vals = new float[Blocksize];
        var s2Vals = new float[Blocksize];
        for (var i = 0; i < nFull; i += Blocksize)
        {
            var validItems = Math.Min(Blocksize, n - i);

            // BlockLoad with out-of-range defaults: g 0, state1 code 128, state2 code 0.
            var gVals = Enumerable.Range(0, Blocksize).Select(j => j < validItems ? g[i + j] : 0.0f).ToArray();
            var c1s = Enumerable.Range(0, Blocksize).Select(j => j < validItems ? state1[i + j] : (byte)128).ToArray();
            var c2s = Enumerable.Range(0, Blocksize).Select(j => j < validItems ? state2[i + j] : (byte)0).ToArray();
            var newLocalAbsMax1 = -float.MaxValue;
            var newLocalAbsMax2 = -float.MaxValue;
            for (var j = 0; j < Blocksize; j++)
            {
                if (!float.IsNaN(gVals[j]) && !float.IsInfinity(gVals[j]))
                {
                    s2Vals[j] = quantiles2[c2s[j]] * absmax2[i / Blocksize];
                    var gVal = gVals[j];
                    gVal *= 1.0f; // gnorm_scale
                    s2Vals[j] = (s2Vals[j] * beta2) + ((1.0f - beta2) * gVal * gVal);
                    s1Vals[j] = quantiles1[c1s[j]] * absmax1[i / Blocksize];
                    s1Vals[j] = (s1Vals[j] * beta1) + ((1.0f - beta1) * gVal);
                }
                else
                {
                    s1Vals[j] = 0.0f;
                    s2Vals[j] = 0.0f;
                }

                newLocalAbsMax1 = MathF.Max(newLocalAbsMax1, MathF.Abs(s1Vals[j]));
                newLocalAbsMax2 = MathF.Max(newLocalAbsMax2, MathF.Abs(s2Vals[j]));
            }

            absmax1[i / Blocksize] = newLocalAbsMax1;
            absmax2[i / Blocksize] = newLocalAbsMax2;
            for (var j = 0; j < validItems; j++)
            {
                if (!float.IsNaN(gVals[j]) && !float.IsInfinity(gVals[j]))
                {
                    p[i + j] = p[i + j] + (stepSize * (s1Vals[j] / (MathF.Sqrt(s2Vals[j]) + (correction2 * eps))));
                    if (weightDecay > 0.0f)
                    {
                        p[i + j] = p[i + j] * (1.0f - (lr * weightDecay));
                    }
                }
            }

            for (var j = 0; j < validItems; j++)
            {
                var c1 = Quantize2D(quantiles1, signed: true, s1Vals[j] / newLocalAbsMax1);
                var c2 = Quantize2D(quantiles2, signed: false, s2Vals[j] / newLocalAbsMax2);
                if (float.IsNegative(quantiles1[c1]) != float.IsNegative(s1Vals[j]))
                {
                    c1 = s1Vals[j] > 0.0f ? (byte)(c1 + 1) : (byte)(c1 - 1);
                }

                state1[i + j] = c1;
                state2[i + j] = c2;
            }
        }
    }

    private static void OptimizerUpdate32bitCpu(Hyper h, float[] p, float[] g, float[] state1, float[] state2, long step)
    {
        var (beta1, beta2, eps, lr, weightDecay) = (h.Beta1, h.Beta2, h.Eps, h.Lr, h.WeightDecay);
        AdamMomentsCpu(g, state1, state2, beta1, beta2);
        var correction1 = 1.0 - Math.Pow(beta1, step);
        var correction2 = Math.Sqrt(1.0 - Math.Pow(beta2, step));
        var stepSize = -lr * correction2 / correction1;
        if (weightDecay > 0.0)
        {
            MulScalar(p, 1.0 - (lr * weightDecay));
        }

        // update = state1 / (state2.sqrt() + eps * correction2); p.add_(update, alpha=step_size)
        for (var i = 0; i < p.Length; i++)
        {
            var update = state1[i] / (MathF.Sqrt(state2[i]) + (float)(eps * correction2));
            p[i] = MathF.FusedMultiplyAdd(update, (float)(stepSize * 1.0), p[i]);
        }
    }

    private static void OptimizerUpdate8bitBlockwiseCpu(
        Hyper h, float[] p, float[] g, byte[] state1, byte[] state2, long step, float[] qmap1, float[] qmap2, float[] absmax1, float[] absmax2)
    {
        var (beta1, beta2, eps, lr, weightDecay) = (h.Beta1, h.Beta2, h.Eps, h.Lr, h.WeightDecay);
        var state1Fp32 = Dequantize(qmap1, state1, absmax1);
        var state2Fp32 = Dequantize(qmap2, state2, absmax2);
        AdamMomentsCpu(g, state1Fp32, state2Fp32, beta1, beta2);
        var correction1 = 1.0 - Math.Pow(beta1, step);
        var correction2 = Math.Sqrt(1.0 - Math.Pow(beta2, step));

        // denom = (state2_fp32.sqrt() / correction2).add_(eps)
        var denom = state2Fp32.Select(v => (MathF.Sqrt(v) / (float)correction2) + (float)eps).ToArray();
        if (weightDecay > 0.0)
        {
            MulScalar(p, 1.0 - (lr * weightDecay));
        }

        // p_fp32.addcdiv_(state1_fp32, denom, value=-lr / correction1)
        var value = (float)(-lr / correction1);
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = p[i] + (value * state1Fp32[i] / denom[i]);
        }

        QuantizeCpu(qmap1, state1Fp32, absmax1, state1);
        QuantizeCpu(qmap2, state2Fp32, absmax2, state2);
    }

    /// <summary>state1.mul_(beta1).add_(grad, alpha=1 − beta1); state2.mul_(beta2).addcmul_(grad, grad, value=1 − beta2).</summary>
    private static void AdamMomentsCpu(float[] grad, float[] state1, float[] state2, double beta1, double beta2)
    {
        for (var i = 0; i < grad.Length; i++)
        {
            state1[i] = MathF.FusedMultiplyAdd(grad[i], (float)(1.0 - beta1), state1[i] * (float)beta1);
            state2[i] = MathF.FusedMultiplyAdd((float)(1.0 - beta2) * grad[i], grad[i], state2[i] * (float)beta2);
        }
    }

    private static void MulScalar(float[] x, double factor)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] *= (float)factor;
        }
    }

    /// <summary>powf, correctly rounded (the float32 result of the exact power).</summary>
    private static float PowF(float x, int n) => (float)Math.Pow(x, n);

    /// <summary>The hyperparameters of a step (doubles, as given in Python).</summary>
    public sealed record Hyper(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay);

    /// <summary>One parameter's optimizer state: 32-bit m, v, or 8-bit codes with their absmax.</summary>
    public sealed class State
    {
        public long Step { get; set; }

        public float[]? State1 { get; init; }

        public float[]? State2 { get; init; }

        public byte[]? Codes1 { get; init; }

        public byte[]? Codes2 { get; init; }

        public float[]? Absmax1 { get; init; }

        public float[]? Absmax2 { get; init; }
    }
}
