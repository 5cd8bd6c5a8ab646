using Descent.Numerics;

namespace Descent.Optimizers.Kernels;

/// <summary>
/// Runs an <see cref="IElementwiseUpdate"/> over one parameter's tensors on the <see cref="KernelPath"/> asked
/// for: the scalar reference on the calling thread, or the vector form, split across cores (through the
/// allocation-free <see cref="ParallelRange"/> pool) for tensors of at least
/// <see cref="ElementwiseKernel.SplitThreshold"/> elements. Each optimizer holds one job and reuses it, so a
/// step allocates nothing.
/// </summary>
/// <typeparam name="TUpdate">The update.</typeparam>
internal sealed class ElementwiseJob<TUpdate> : IRangeJob
    where TUpdate : struct, IElementwiseUpdate
{
    private BufferSlice p, g, a, b, c;
    private TUpdate update;
    private bool simd;

    /// <summary>Updates <paramref name="param"/> from <paramref name="grad"/> and the state tensors given
    /// (null for a buffer the update does not use).</summary>
    public void Run(in TUpdate op, KernelPath path, Tensor param, Tensor grad, Tensor? stateA = null, Tensor? stateB = null, Tensor? stateC = null)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        p = new(param);
        g = new(grad);
        a = new(stateA);
        b = new(stateB);
        c = new(stateC);
        update = op;
        simd = ElementwiseKernel.UsesSimd(path);
        try
        {
            var n = param.Length;
            if (ElementwiseKernel.Splits(path, n))
            {
                ParallelRange.For(n, ElementwiseKernel.MinChunk, this);
            }
            else
            {
                Execute(0, n);
            }
        }
        finally
        {
            p = g = a = b = c = default;
        }
    }

    /// <inheritdoc />
    public void Execute(int start, int end)
    {
        if (simd)
        {
            ElementwiseKernel.Simd(update, p.Slice(start, end), g.Slice(start, end), a.Slice(start, end), b.Slice(start, end), c.Slice(start, end));
        }
        else
        {
            ElementwiseKernel.Reference(update, p.Slice(start, end), g.Slice(start, end), a.Slice(start, end), b.Slice(start, end), c.Slice(start, end));
        }
    }
}
