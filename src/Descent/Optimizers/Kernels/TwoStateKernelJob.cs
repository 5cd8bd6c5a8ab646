using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>A reusable job that runs a <see cref="ITwoStateKernel{TScalars}"/> over one parameter, split
/// across cores for large buffers (allocation-free: each optimizer holds one).</summary>
internal sealed class TwoStateKernelJob<TKernel, TScalars> : IRangeJob
    where TKernel : ITwoStateKernel<TScalars>
    where TScalars : struct
{
    private BufferSlice p, g, a, b;
    private TScalars scalars;
    private bool simd;

    public void Run(Tensor param, Tensor grad, Tensor stateA, Tensor stateB, in TScalars s, KernelPath path)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        KernelGuard.SameLength(param.Length, stateA.Length, nameof(stateA));
        KernelGuard.SameLength(param.Length, stateB.Length, nameof(stateB));
        p = new(param);
        g = new(grad);
        a = new(stateA);
        b = new(stateB);
        scalars = s;
        simd = KernelDispatch.UseSimd(path);
        try
        {
            KernelDispatch.Run(this, param.Length, simd);
        }
        finally
        {
            p = g = a = b = default;
        }
    }

    public void Execute(int start, int end)
    {
        if (simd)
        {
            TKernel.Simd(p.Slice(start, end), g.Slice(start, end), a.Slice(start, end), b.Slice(start, end), scalars);
        }
        else
        {
            TKernel.Reference(p.Slice(start, end), g.Slice(start, end), a.Slice(start, end), b.Slice(start, end), scalars);
        }
    }
}
