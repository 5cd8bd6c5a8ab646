using System.Runtime.CompilerServices;
using Descent.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused low-precision step of one parameter whose two moments are <see cref="MomentStore"/>s (any
/// <see cref="StatePrecision"/>), for any element-wise update <typeparamref name="TUpdate"/> over (p, g, m, v[, c]):
/// a few blocks of 256 elements (bitsandbytes' blocksize, counted from the parameter's first element) at a time,
/// decode m and v into float32 scratch on the stack, run the update (scalar reference or SIMD, per
/// <see cref="KernelPath"/>), optionally round the parameters to bfloat16 stochastically, then encode m and v (new
/// absmax and codes, or bfloat16). Blocks are independent, so large tensors are split across cores by whole blocks;
/// the job is reused, so a step allocates nothing. Used by <see cref="Adam8bitFamily{TOptions}"/> (bitsandbytes'
/// update) and <see cref="AdamFamily{TOptions}"/> (PyTorch's).
/// </summary>
/// <typeparam name="TUpdate">The element-wise update (buffers a = m, b = v, c = an optional float32 buffer).</typeparam>
internal sealed class BlockwiseMomentJob<TUpdate> : IRangeJob
    where TUpdate : struct, IElementwiseUpdate
{
    private const int BlockSize = MomentStore.BlockSize;

    // Blocks per pass: the per-call costs of the codecs and of the update are shared by 1,024 elements.
    private const int ChunkBlocks = 4;
    private BufferSlice p, g, c;
    private MomentStore? first, second;
    private TUpdate update;
    private BlockwiseEncoding encoding;
    private int length;
    private bool simd;

    /// <summary>Updates <paramref name="param"/>, <paramref name="expAvg"/> and <paramref name="expAvgSq"/> (and
    /// the optional float32 <paramref name="extra"/>, buffer c of the update) from <paramref name="grad"/>.</summary>
    public void Run(in TUpdate op, KernelPath path, Tensor param, Tensor grad, MomentStore expAvg, MomentStore expAvgSq,
        Tensor? extra, in BlockwiseEncoding how)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        ReadOnlySpan<float> ps = param.Span, gs = grad.Span;
        KernelGuard.IdenticalOrDisjoint(ps, gs, "param", "grad");
        if (extra is not null)
        {
            KernelGuard.SameLength(param.Length, extra.Length, nameof(extra));
        }

        p = new(param);
        g = new(grad);
        c = new(extra);
        first = expAvg;
        second = expAvgSq;
        update = op;
        encoding = how;
        length = param.Length;
        simd = ElementwiseKernel.UsesSimd(path);
        try
        {
            var blocks = (length + BlockSize - 1) / BlockSize;
            if (ElementwiseKernel.Splits(path, length))
            {
                ParallelRange.For(blocks, ElementwiseKernel.MinChunk / BlockSize, this);
            }
            else
            {
                Execute(0, blocks);
            }
        }
        finally
        {
            p = g = c = default;
            first = second = null;
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int start, int end)
    {
        Span<float> m = stackalloc float[ChunkBlocks * BlockSize];
        Span<float> v = stackalloc float[ChunkBlocks * BlockSize];
        var (a, b) = (first!, second!);
        var how = encoding;
        var vectors = simd && PackedVectors.IsSupported;
        for (var k = start; k < end; k += ChunkBlocks)
        {
            var lo = k * BlockSize;
            var n = Math.Min(Math.Min(end - k, ChunkBlocks) * BlockSize, length - lo);
            var mb = m[..n];
            var vb = v[..n];

            // bitsandbytes' CUDA kernel loads a partial last block's missing lanes as code 128 with g = 0; they take
            // part in its absmax.
            var last = k + ((n - 1) / BlockSize);
            var floor = how.PaddingBeta1 is { } beta1 && length - (last * BlockSize) < BlockSize && a.Precision == StatePrecision.Int8Blockwise
                ? MathF.Abs((a.MapValue(128) * a.BlockAbsmax(last) * beta1) + (how.PaddingOneMinusBeta1 * 0f))
                : 0f;
            a.Decode(k, lo, mb, vectors);
            b.Decode(k, lo, vb, vectors);
            var pb = p.Slice(lo, lo + n);
            var gb = g.Slice(lo, lo + n);
            var cb = c.Slice(lo, lo + n);
            if (simd)
            {
                ElementwiseKernel.SimdUnchecked(update, pb, gb, mb, vb, cb);
            }
            else
            {
                ElementwiseKernel.Reference(update, pb, gb, mb, vb, cb);
            }

            if (how.ParameterKey != 0)
            {
                BFloat16.RoundStochastic(pb, how.ParameterKey, lo);
            }

            a.Encode(k, lo, mb, how.Convention, how.ExpAvgKey, floor, vectors);
            b.Encode(k, lo, vb, how.Convention, how.ExpAvgSqKey, 0f, vectors);
        }
    }
}
