using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// The fused SGD update (PyTorch's <c>_single_tensor_sgd</c> order, float32):
/// <code>
/// g = maximize ? −g : g
/// if wd ≠ 0: g = g + wd·p
/// if μ ≠ 0:  b = first ? g : b·μ + (1 − dampening)·g;   g = nesterov ? g + μ·b : b
/// p = p + (−lr)·g
/// </code>
/// Each "a + α·b" is a fused multiply-add, as in PyTorch's vectorized <c>add(…, alpha)</c>; both paths use
/// the same operations and agree bit for bit. The buffer span is ignored (may be empty) when μ = 0.
/// </summary>
public static class SgdKernel
{
    /// <summary>The scalar reference.</summary>
    public static void Reference(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, in SgdStepScalars s)
    {
        Check(param, grad, momentumBuffer, s);
        for (var i = 0; i < param.Length; i++)
        {
            var g = s.Maximize ? -grad[i] : grad[i];
            var p = param[i];
            if (s.WeightDecay != 0)
            {
                g = MathF.FusedMultiplyAdd(s.WeightDecay, p, g);
            }

            if (s.Momentum != 0)
            {
                var b = s.InitializeBuffer ? g : MathF.FusedMultiplyAdd(s.DampeningComplement, g, momentumBuffer[i] * s.Momentum);
                momentumBuffer[i] = b;
                g = s.Nesterov ? MathF.FusedMultiplyAdd(s.Momentum, b, g) : b;
            }

            param[i] = MathF.FusedMultiplyAdd(s.NegLearningRate, g, p);
        }
    }

    /// <summary>The vectorized kernel on the calling thread.</summary>
    public static void Simd(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, in SgdStepScalars s)
    {
        Check(param, grad, momentumBuffer, s);
        ref var p = ref MemoryMarshal.GetReference(param);
        ref var g = ref MemoryMarshal.GetReference(grad);
        ref var b = ref MemoryMarshal.GetReference(momentumBuffer);
        var n = param.Length;
        var i = Loop<Vector512<float>, Vector512Ops>(ref p, ref g, ref b, 0, n, s);
        i = Loop<Vector256<float>, Vector256Ops>(ref p, ref g, ref b, i, n, s);
        i = Loop<Vector128<float>, Vector128Ops>(ref p, ref g, ref b, i, n, s);
        Loop<float, ScalarOps>(ref p, ref g, ref b, i, n, s);
    }

    private static void Check(Span<float> param, ReadOnlySpan<float> grad, Span<float> momentumBuffer, in SgdStepScalars s)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        if (s.Momentum != 0)
        {
            KernelGuard.SameLength(param.Length, momentumBuffer.Length, nameof(momentumBuffer));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Loop<TVec, TOps>(ref float p, ref float g, ref float b, int i, int n, in SgdStepScalars s)
        where TVec : struct
        where TOps : struct, IVectorOps<TVec>
    {
        if (!TOps.IsAccelerated)
        {
            return i;
        }

        var maximize = s.Maximize;
        var decay = s.WeightDecay != 0;
        var momentum = s.Momentum != 0;
        var first = s.InitializeBuffer;
        var nesterov = s.Nesterov;
        var wd = TOps.Splat(s.WeightDecay);
        var mu = TOps.Splat(s.Momentum);
        var dc = TOps.Splat(s.DampeningComplement);
        var lr = TOps.Splat(s.NegLearningRate);
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

            if (momentum)
            {
                var bv = first ? gv : TOps.MulAdd(dc, gv, TOps.Mul(TOps.Load(ref b, k), mu));
                TOps.Store(bv, ref b, k);
                gv = nesterov ? TOps.MulAdd(mu, bv, gv) : bv;
            }

            TOps.Store(TOps.MulAdd(lr, gv, pv), ref p, k);
        }

        return i;
    }

    /// <summary>A reusable job that runs the kernel over one parameter (allocation-free).</summary>
    internal sealed class Job : IRangeJob
    {
        private BufferSlice p, g, b;
        private SgdStepScalars scalars;
        private bool simd;

        public void Run(Tensor param, Tensor grad, Tensor? momentumBuffer, in SgdStepScalars s, KernelPath path)
        {
            KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
            if (s.Momentum != 0)
            {
                KernelGuard.SameLength(param.Length, momentumBuffer?.Length ?? 0, nameof(momentumBuffer));
            }

            p = new(param);
            g = new(grad);
            b = new(momentumBuffer);
            scalars = s;
            simd = KernelDispatch.UseSimd(path);
            try
            {
                KernelDispatch.Run(this, param.Length, simd);
            }
            finally
            {
                p = g = b = default;
            }
        }

        public void Execute(int start, int end)
        {
            if (simd)
            {
                Simd(p.Slice(start, end), g.Slice(start, end), b.Slice(start, end), scalars);
            }
            else
            {
                Reference(p.Slice(start, end), g.Slice(start, end), b.Slice(start, end), scalars);
            }
        }
    }
}
