using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The fused Adagrad update (PyTorch's <c>_single_tensor_adagrad</c> order, float32, dense gradients):
/// <code>
/// g = maximize ? −g : g;   if wd ≠ 0: g = g + wd·p
/// s = s + g·g
/// p = p + (−lr/(1 + (t − 1)·lr_decay))·g / (√s + ε)
/// </code>
/// Fused multiply-adds where PyTorch's vectorized kernels have them; both paths agree bit for bit.
/// </summary>
public static class AdagradKernel
{
    /// <summary>The scalar reference.</summary>
    public static void Reference(Span<float> param, ReadOnlySpan<float> grad, Span<float> sum, in AdagradStepScalars s)
    {
        Check(param, grad, sum);
        for (var i = 0; i < param.Length; i++)
        {
            var g = s.Maximize ? -grad[i] : grad[i];
            var p = param[i];
            if (s.WeightDecay != 0)
            {
                g = MathF.FusedMultiplyAdd(s.WeightDecay, p, g);
            }

            var acc = MathF.FusedMultiplyAdd(g, g, sum[i]);
            sum[i] = acc;
            param[i] = p + (s.NegStepSize * g / (MathF.Sqrt(acc) + s.Epsilon));
        }
    }

    /// <summary>The vectorized kernel on the calling thread.</summary>
    public static void Simd(Span<float> param, ReadOnlySpan<float> grad, Span<float> sum, in AdagradStepScalars s)
    {
        Check(param, grad, sum);
        ref var p = ref MemoryMarshal.GetReference(param);
        ref var g = ref MemoryMarshal.GetReference(grad);
        ref var a = ref MemoryMarshal.GetReference(sum);
        var n = param.Length;
        var i = Loop<Vector512<float>, Vector512Ops>(ref p, ref g, ref a, 0, n, s);
        i = Loop<Vector256<float>, Vector256Ops>(ref p, ref g, ref a, i, n, s);
        i = Loop<Vector128<float>, Vector128Ops>(ref p, ref g, ref a, i, n, s);
        Loop<float, ScalarOps>(ref p, ref g, ref a, i, n, s);
    }

    private static void Check(Span<float> param, ReadOnlySpan<float> grad, Span<float> sum)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        KernelGuard.SameLength(param.Length, sum.Length, nameof(sum));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TVec, TOps>(ref float p, ref float g, ref float a, int i, int n, in AdagradStepScalars s)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        if (!TOps.IsAccelerated)
        {
            return i;
        }

        var maximize = s.Maximize;
        var decay = s.WeightDecay != 0;
        var step = TOps.Splat(s.NegStepSize);
        var eps = TOps.Splat(s.Epsilon);
        var wd = TOps.Splat(s.WeightDecay);
        var c = TOps.Count;
        for (; i <= n - c; i += c)
        {
            var k = (nuint)i;
            var gv = TOps.Load(ref g, k);
            if (maximize)
            {
                gv = TOps.Neg(gv);
            }

            var pv = TOps.Load(ref p, k);
            if (decay)
            {
                gv = TOps.MulAdd(wd, pv, gv);
            }

            var av = TOps.MulAdd(gv, gv, TOps.Load(ref a, k));
            TOps.Store(av, ref a, k);
            TOps.Store(TOps.Add(pv, TOps.Div(TOps.Mul(step, gv), TOps.Add(TOps.Sqrt(av), eps))), ref p, k);
        }

        return i;
    }

    /// <summary>A reusable job that runs the kernel over one parameter (allocation-free).</summary>
    internal sealed class Job : IRangeJob
    {
        private BufferSlice p, g, a;
        private AdagradStepScalars scalars;
        private bool simd;

        public void Run(Tensor param, Tensor grad, Tensor sum, in AdagradStepScalars s, KernelPath path)
        {
            KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
            KernelGuard.SameLength(param.Length, sum.Length, nameof(sum));
            p = new(param);
            g = new(grad);
            a = new(sum);
            scalars = s;
            simd = KernelDispatch.UseSimd(path);
            try
            {
                KernelDispatch.Run(this, param.Length, simd);
            }
            finally
            {
                p = g = a = default;
            }
        }

        public void Execute(int start, int end)
        {
            if (simd)
            {
                Simd(p.Slice(start, end), g.Slice(start, end), a.Slice(start, end), scalars);
            }
            else
            {
                Reference(p.Slice(start, end), g.Slice(start, end), a.Slice(start, end), scalars);
            }
        }
    }
}
