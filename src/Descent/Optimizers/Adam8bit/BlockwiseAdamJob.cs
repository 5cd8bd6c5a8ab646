using System.Runtime.CompilerServices;
using Descent.Numerics;
using Descent.Optimizers.Kernels;

namespace Descent.Optimizers;

/// <summary>
/// The fused low-precision Adam step of one parameter, block by block (256 elements, bitsandbytes' blocksize):
/// decode m and v of the block into float32 scratch on the stack, run <see cref="BnbAdamKernel"/> over the block
/// (scalar reference or SIMD, per <see cref="KernelPath"/>), optionally round the parameters to bfloat16
/// stochastically, then encode m and v (new absmax and codes, or bfloat16). Blocks are independent, so large
/// tensors are split across cores by whole blocks; the job is reused, so a step allocates nothing.
/// </summary>
internal sealed class BlockwiseAdamJob : IRangeJob
{
    private const int BlockSize = MomentStore.BlockSize;
    private const int ChunkBlocks = 4;
    private BufferSlice p, g;
    private Adam8bitState? state;
    private BnbAdamKernel kernel;
    private BnbConvention convention;
    private ulong key1, key2, paramKey;
    private int length;
    private bool simd;

    /// <summary>Updates <paramref name="param"/> and <paramref name="state"/> (already advanced to this step) from
    /// <paramref name="grad"/>.</summary>
    public void Run(in BnbAdamKernel update, KernelPath path, Tensor param, Tensor grad, Adam8bitState state, Adam8bitFamilyOptions options)
    {
        KernelGuard.SameLength(param.Length, grad.Length, nameof(grad));
        ReadOnlySpan<float> ps = param.Span, gs = grad.Span;
        KernelGuard.IdenticalOrDisjoint(ps, gs, "param", "grad");
        p = new(param);
        g = new(grad);
        this.state = state;
        kernel = update;
        convention = options.Convention;
        key1 = options.StochasticRounding ? BFloat16.StreamKey(options.Seed, state.Step, 1) | 1 : 0;
        key2 = options.StochasticRounding ? BFloat16.StreamKey(options.Seed, state.Step, 2) | 1 : 0;
        paramKey = options.Bf16Parameters ? BFloat16.StreamKey(options.Seed, state.Step, 0) | 1 : 0;
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
            p = g = default;
            this.state = null;
        }
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(int start, int end)
    {
        // Several blocks per pass, so that the per-call costs of the codecs and the update are shared by 1,024
        // elements; each block keeps its own absmax.
        Span<float> m = stackalloc float[ChunkBlocks * BlockSize];
        Span<float> v = stackalloc float[ChunkBlocks * BlockSize];
        var s = state!;
        var vectors = simd && PackedVectors.IsSupported;
        for (var b = start; b < end; b += ChunkBlocks)
        {
            var lo = b * BlockSize;
            var n = Math.Min(Math.Min(end - b, ChunkBlocks) * BlockSize, length - lo);
            var mb = m[..n];
            var vb = v[..n];

            // CUDA loads a partial last block's missing lanes as code 128 with g = 0; they take part in its absmax.
            var last = b + ((n - 1) / BlockSize);
            var floor = convention == BnbConvention.Cuda && length - (last * BlockSize) < BlockSize && s.ExpAvg.Precision == StatePrecision.Int8Blockwise
                ? MathF.Abs((s.ExpAvg.MapValue(128) * s.ExpAvg.BlockAbsmax(last) * kernel.Beta1) + (kernel.OneMinusBeta1 * 0f))
                : 0f;
            s.ExpAvg.Decode(b, lo, mb, vectors);
            s.ExpAvgSq.Decode(b, lo, vb, vectors);
            var pb = p.Slice(lo, lo + n);
            var gb = g.Slice(lo, lo + n);
            if (simd)
            {
                ElementwiseKernel.SimdUnchecked(kernel, pb, gb, mb, vb);
            }
            else
            {
                ElementwiseKernel.Reference(kernel, pb, gb, mb, vb);
            }

            if (paramKey != 0)
            {
                BFloat16.RoundStochastic(pb, paramKey, lo);
            }

            s.ExpAvg.Encode(b, lo, mb, convention, key1, floor, vectors);
            s.ExpAvgSq.Encode(b, lo, vb, convention, key2, 0f, vectors);
        }
    }
}
