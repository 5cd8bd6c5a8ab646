using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Descent.Numerics;

namespace Descent.Autodiff.Ops;

/// <summary>
/// Fused multi-head scaled dot-product attention over projections laid out as a Linear writes them: Q, K, V [B, S, H·d];
/// output [B, S, H·d] with head h in columns h·d … h·d + d − 1. Per (batch, head):
/// O = dropout(softmax(Q·Kᵀ·scale + bias)) · V with bias the per-key mask bias [B, 1, 1, S] (no gradient), scale 1/√d.
/// </summary>
/// <remarks>
/// <para>Each (batch, head) block is computed by one thread from copies of its Q, K, V columns in a per-thread scratch
/// (zero-padded to multiples of 16, K and V also transposed) that stays in cache; the products are the register tiles of
/// <see cref="AttentionTiles"/>. Forward, per block of <see cref="QueryBlock"/> query rows: scores = Q·Kᵀ·scale + bias
/// for all keys (scale and bias applied as the score tiles are stored; −∞ for the padding keys), then per row the
/// softmax over the whole row (maximum m, e^(s − m), sum l — for the lengths of text classification a block of rows fits
/// in cache, so flash-attention's online rescaling over key tiles is not needed), P = e^(s − m)/l times the dropout keep
/// mask and 1/(1 − p), O = P·V; only the row's logsumexp m + ln l is saved. No S × S matrix outlives the block.</para>
/// <para>Backward (D_i = dO_i · O_i), per block of query rows: P = e^(s − lse) recomputed from Q and K; dP̃ = dO·Vᵀ;
/// P̃ = P·keep/(1 − p), dP = dP̃·keep/(1 − p), dS = P ∘ (dP − D)·scale; dV += P̃ᵀ·dO, dK += dSᵀ·Q, dQ = dS·K, written
/// into the inputs' gradients.</para>
/// <para>Dropout draws its keep bits in the unfused path's order (element (b, h, i, j) of the [B, H, S, S]
/// probabilities, <see cref="DropoutBits"/>) and stores them as bits, so it drops the same probabilities as
/// softmax-then-<see cref="DropoutOp"/> given the same generator. The workers claim chunks of pairs.</para>
/// </remarks>
internal sealed unsafe class AttentionOp : Node
{
    /// <summary>Query rows per block (the scores of a block are one [QueryBlock, S] matrix in the scratch).</summary>
    internal const int QueryBlock = 64;

    /// <summary>Scratch alignment in floats (64 bytes).</summary>
    private const int Alignment = 16;

    [ThreadStatic]
    private static Job? job;

    [ThreadStatic]
    private static float[]? scratch;

    private readonly int heads;
    private readonly Tensor? maskBias;
    private readonly float[] logSumExp;
    private readonly int[]? keep;
    private readonly float keepScale;

    private AttentionOp(Tensor q, Tensor k, Tensor v, int heads, Tensor? maskBias, float[] logSumExp, int[]? keep, float keepScale)
        : base(q, k, v)
    {
        this.heads = heads;
        this.maskBias = maskBias;
        this.logSumExp = logSumExp;
        this.keep = keep;
        this.keepScale = keepScale;
    }

    public override string Name => "FusedAttentionBackward";

    /// <summary>The attention of <paramref name="q"/>, <paramref name="k"/>, <paramref name="v"/> [B, S, H·d] with
    /// <paramref name="heads"/> heads, an optional mask bias [B, 1, 1, S] and dropout p on the probabilities (0: none;
    /// <paramref name="rng"/> draws the mask).</summary>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, int heads, Tensor? maskBias, double dropout, Rng? rng)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        Validate(q, k, v, heads, maskBias);
        if (!(dropout >= 0 && dropout <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "attention dropout must be in [0, 1]");
        }

        if (dropout > 0)
        {
            ArgumentNullException.ThrowIfNull(rng);
        }

        if (maskBias is not null && Tape.ShouldRecord(maskBias))
        {
            throw new ArgumentException("the fused attention takes a constant mask bias; it must not require a gradient", nameof(maskBias));
        }

        int b = q.Shape[0], s = q.Shape[1], hd = q.Shape[2];
        var y = Tensor.Output(q.Shape);
        var record = Tape.ShouldRecord([q, k, v]);
        var pairs = b * heads;
        var lse = record ? Workspace.SavedFloats(pairs * s) : null;
        int[]? bits = null;
        var count = (long)pairs * s * s;
        if (dropout > 0)
        {
            var words = DropoutBits.Words(count) + 1; // one spare word: the kernel reads the mask in 64-bit windows
            bits = record ? Workspace.SavedInts(words) : ArrayPool<int>.Shared.Rent(words);
            DropoutBits.Fill(rng!, dropout, bits, count);
            bits[words - 1] = 0;
        }

        var keepScale = DropoutBits.KeepScale(dropout);
        fixed (float* pq = q.Span, pk = k.Span, pv = v.Span, py = y.Span, pl = lse, pb = maskBias is null ? default : maskBias.Span)
        fixed (int* pm = bits)
        {
            var j = job ??= new Job();
            j.Set(b, s, heads, hd / Math.Max(1, heads), pq, pk, pv, py, pb, pl, pm, keepScale);
            j.Run(backward: false);
        }

        if (!record)
        {
            if (bits is not null)
            {
                ArrayPool<int>.Shared.Return(bits);
            }

            return y;
        }

        return Tape.Record(y, new AttentionOp(q, k, v, heads, maskBias, lse!, bits, keepScale));
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        Tensor q = Inputs[0], k = Inputs[1], v = Inputs[2];
        int b = q.Shape[0], s = q.Shape[1], hd = q.Shape[2];

        // Each gradient is written (or added) straight into the input's gradient; a scratch buffer stands in for an input
        // that takes no gradient, or that is the same tensor as an earlier one (self-attention on one tensor: its three
        // gradients must add up, so the later ones go through AccumulateGrad).
        float[]? sq = null, sk = null, sv = null;
        var dq = Target(q, ref sq, out var addQ);
        var dk = ReferenceEquals(k, q) ? Scratch(k, ref sk, out var addK) : Target(k, ref sk, out addK);
        var dv = ReferenceEquals(v, q) || ReferenceEquals(v, k) ? Scratch(v, ref sv, out var addV) : Target(v, ref sv, out addV);
        try
        {
            fixed (float* pq = q.Span, pk = k.Span, pv = v.Span, py = output.Span, pg = gradOutput, pl = logSumExp)
            fixed (float* pb = maskBias is null ? default : maskBias.Span, pdq = dq, pdk = dk, pdv = dv)
            fixed (int* pm = keep)
            {
                var j = job ??= new Job();
                j.Set(b, s, heads, hd / Math.Max(1, heads), pq, pk, pv, py, pb, pl, pm, keepScale);
                j.SetGradients(pg, pdq, pdk, pdv, addQ, addK, addV);
                j.Run(backward: true);
            }

            AccumulateScratch(q, sq);
            AccumulateScratch(k, sk);
            AccumulateScratch(v, sv);
        }
        finally
        {
            foreach (var buffer in (ReadOnlySpan<float[]?>)[sq, sk, sv])
            {
                if (buffer is not null)
                {
                    ArrayPoolBuffer.Return(buffer);
                }
            }
        }
    }

    /// <summary>The gradient of <paramref name="t"/> to write into, or a scratch buffer when it takes none.</summary>
    private static Span<float> Target(Tensor t, ref float[]? scratch, out bool add)
    {
        if (!t.RequiresGrad)
        {
            return Scratch(t, ref scratch, out add);
        }

        return t.GradTarget(out add);
    }

    private static Span<float> Scratch(Tensor t, ref float[]? scratch, out bool add)
    {
        add = false;
        scratch = ArrayPoolBuffer.Rent(t.Length);
        return scratch.AsSpan(0, t.Length);
    }

    /// <summary>Adds a scratch gradient (one that could not be written in place) into <paramref name="t"/>'s.</summary>
    private static void AccumulateScratch(Tensor t, float[]? scratch)
    {
        if (scratch is not null && t.RequiresGrad)
        {
            t.AccumulateGrad(scratch.AsSpan(0, t.Length));
        }
    }

    private static void Validate(Tensor q, Tensor k, Tensor v, int heads, Tensor? maskBias)
    {
        if (q.Rank != 3 || !k.Shape.SequenceEqual(q.Shape) || !v.Shape.SequenceEqual(q.Shape))
        {
            throw new ShapeMismatchException("Attention", q.Shape, k.Rank == 3 ? v.Shape : k.Shape,
                "query, key and value must all be [batch, length, heads·headSize] of one shape");
        }

        if (heads <= 0 || q.Shape[2] % heads != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(heads), heads, $"heads must be positive and divide the width {q.Shape[2]}");
        }

        if (maskBias is not null && (maskBias.Rank != 4 || maskBias.Shape[0] != q.Shape[0] || maskBias.Shape[1] != 1
            || maskBias.Shape[2] != 1 || maskBias.Shape[3] != q.Shape[1]))
        {
            throw new ShapeMismatchException("Attention", [q.Shape[0], 1, 1, q.Shape[1]], maskBias.Shape,
                "the mask bias must be [batch, 1, 1, length] (one additive bias per key)");
        }
    }

    /// <summary>The per-call state shared by the workers, which claim chunks of consecutive (batch, head) pairs until none
    /// is left; each pair is computed by one thread, so the result does not depend on which.</summary>
    private sealed class Job : IWorkerJob
    {
        private int batch, length, heads, size, width, paddedLength, paddedSize;
        private float scale, keepScale;
        private float* q, k, v, y, bias, lse, gradOut, dq, dk, dv;
        private int* keepBits;
        private bool backward, addQ, addK, addV;
        private int pairs, chunkPairs, chunks, claimed;

        public void Set(int batch, int length, int heads, int size, float* q, float* k, float* v, float* y, float* bias, float* lse, int* keep, float keepScale)
        {
            this.batch = batch;
            this.length = length;
            this.heads = heads;
            this.size = size;
            width = heads * size;
            paddedLength = RoundUp(length);
            paddedSize = RoundUp(size);
            scale = size == 0 ? 1f : (float)(1.0 / Math.Sqrt(size));
            this.q = q;
            this.k = k;
            this.v = v;
            this.y = y;
            this.bias = bias;
            this.lse = lse;
            keepBits = keep;
            this.keepScale = keepScale;
        }

        public void SetGradients(float* gradOut, float* dq, float* dk, float* dv, bool addQ, bool addK, bool addV)
        {
            this.gradOut = gradOut;
            this.dq = dq;
            this.dk = dk;
            this.dv = dv;
            this.addQ = addQ;
            this.addK = addK;
            this.addV = addV;
        }

        public void Run(bool backward)
        {
            this.backward = backward;
            var pairs = batch * heads;
            if (pairs == 0 || length == 0 || size == 0)
            {
                if (backward)
                {
                    ClearUnlessAdding(dq, addQ);
                    ClearUnlessAdding(dk, addK);
                    ClearUnlessAdding(dv, addV);
                }

                return;
            }

            // A pair is ≈ 4·S²·d flops forward: give each worker at least a few.
            var workers = Math.Min(Math.Min(ParallelRange.MaxWorkers, WorkerPool.Shared.Capacity), pairs);
            if ((long)length * length * size * pairs < 1L << 18)
            {
                workers = 1;
            }

            this.pairs = pairs;
            chunkPairs = Math.Clamp(pairs / (4 * workers), 1, 4);
            chunks = (pairs + chunkPairs - 1) / chunkPairs;
            claimed = 0;
            try
            {
                WorkerPool.Shared.Run(this, workers);
            }
            finally
            {
                q = k = v = y = bias = lse = gradOut = dq = dk = dv = null;
                keepBits = null;
            }
        }

        private void ClearUnlessAdding(float* gradient, bool add)
        {
            if (!add)
            {
                new Span<float>(gradient, batch * length * width).Clear();
            }
        }

        public void Execute(int worker, int workers)
        {
            long sd = (long)paddedLength * paddedSize, block = (long)Math.Min(QueryBlock, paddedLength);
            var need = backward
                ? (7 * sd) + (2 * block * paddedLength) + (block * paddedSize) + (3L * paddedLength)
                : (4 * sd) + (block * paddedLength) + (block * paddedSize) + paddedLength;
            if (need > Array.MaxLength - Alignment)
            {
                throw new InvalidOperationException($"fused attention: a (batch, head) block of length {length} and head size {size} needs more scratch than one array holds");
            }

            if (scratch is null || scratch.Length < need + Alignment)
            {
                scratch = GC.AllocateUninitializedArray<float>((int)need + Alignment, pinned: true);
            }

            fixed (float* s = scratch)
            {
                // 64-byte aligned, so that the tiles' vector loads do not straddle cache lines.
                var aligned = (float*)(((nint)s + ((Alignment * sizeof(float)) - 1)) & ~(nint)((Alignment * sizeof(float)) - 1));
                // Chunks of pairs are claimed one ahead (so that the first pair of the next chunk can be prefetched): a
                // worker that the machine's load delays takes fewer chunks instead of holding up the call.
                var current = Interlocked.Increment(ref claimed) - 1;
                while (current < chunks)
                {
                    var following = Interlocked.Increment(ref claimed) - 1;
                    int start = current * chunkPairs, end = Math.Min(pairs, start + chunkPairs);
                    for (var pair = start; pair < end; pair++)
                    {
                        var next = pair + 1 < end ? Offset(pair + 1) : following < chunks ? Offset(following * chunkPairs) : -1;
                        if (backward)
                        {
                            BackwardPair(pair, next, aligned);
                        }
                        else
                        {
                            ForwardPair(pair, next, aligned);
                        }
                    }

                    current = following;
                }
            }
        }

        private long Offset(int pair) => ((long)(pair / heads) * length * width) + ((pair % heads) * size);

        /// <summary>The head's rows of <paramref name="x"/> as a zero-padded [paddedLength, paddedSize] matrix.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void PackRows(float* x, long offset, float* dst)
        {
            int s = length, d = size, dp = paddedSize;
            for (var j = 0; j < s; j++)
            {
                CopyRow(x + offset + ((long)j * width), dst + (j * dp), d, dp);
            }

            new Span<float>(dst + (s * dp), (paddedLength - s) * dp).Clear();
        }

        /// <summary>The transpose [paddedSize, paddedLength] of a packed [paddedLength, paddedSize] matrix.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Transpose(float* rows, float* dst)
        {
            int sp = paddedLength, dp = paddedSize, w = AttentionTiles.Width;
            for (var j0 = 0; j0 < sp; j0 += w)
            {
                for (var c0 = 0; c0 < dp; c0 += w)
                {
                    AttentionTiles.Transpose16(rows + (j0 * dp) + c0, dp, dst + (c0 * sp) + j0, sp);
                }
            }
        }

        /// <summary>The padded mask bias of the pair's sequence: bias[j] (0 without a mask) for the keys, −∞ for the padding
        /// keys, so that they get no probability.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void PackBias(int pair, float* dst)
        {
            var s = length;
            if (bias is null)
            {
                new Span<float>(dst, s).Clear();
            }
            else
            {
                new ReadOnlySpan<float>(bias + ((long)(pair / heads) * s), s).CopyTo(new Span<float>(dst, s));
            }

            new Span<float>(dst + s, paddedLength - s).Fill(float.NegativeInfinity);
        }

        /// <summary>dst[0..n) = src[0..n), dst[n..padded) = 0.</summary>
        private static void CopyRow(float* src, float* dst, int n, int padded)
        {
            var c = 0;
            for (; c + AttentionTiles.Width <= n; c += AttentionTiles.Width)
            {
                Vector512.Load(src + c).Store(dst + c);
            }

            for (; c < n; c++)
            {
                dst[c] = src[c];
            }

            for (; c < padded; c++)
            {
                dst[c] = 0f;
            }
        }

        /// <summary>Rows [0, rows) and columns [0, size) of a [·, paddedSize] block into (or, when
        /// <paramref name="add"/>, added into) the head's columns of <paramref name="x"/>, from row <paramref name="first"/> on.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Unpack(float* src, int first, int rows, float* x, long offset, bool add = false)
        {
            for (var r = 0; r < rows; r++)
            {
                var from = src + (r * paddedSize);
                var to = x + offset + ((long)(first + r) * width);
                if (!add)
                {
                    CopyRow(from, to, size, size);
                    continue;
                }

                var c = 0;
                for (; c + AttentionTiles.Width <= size; c += AttentionTiles.Width)
                {
                    (Vector512.Load(to + c) + Vector512.Load(from + c)).Store(to + c);
                }

                for (; c < size; c++)
                {
                    to[c] += from[c];
                }
            }
        }

        private void ForwardPair(int pair, long next, float* scratchBase)
        {
            int s = length, sp = paddedLength, dp = paddedSize, block = Math.Min(QueryBlock, sp);
            var qRows = scratchBase;
            var vRows = qRows + (sp * dp);
            var kColumns = vRows + (sp * dp);
            var scores = kColumns + (dp * sp);
            var output = scores + (block * sp);
            var keyBias = output + (block * dp);
            var kRows = keyBias + sp;
            var offset = Offset(pair);
            PackRows(q, offset, qRows);
            PackRows(v, offset, vRows);
            PackRows(k, offset, kRows);
            Transpose(kRows, kColumns);
            PackBias(pair, keyBias);
            for (var i0 = 0; i0 < s; i0 += block)
            {
                var rows = Math.Min(block, sp - i0);
                var real = Math.Min(rows, s - i0);
                AttentionTiles.RowMajorTimes(rows, sp, dp, qRows + (i0 * dp), dp, kColumns, sp, scores, sp, scale, keyBias);
                for (var r = 0; r < real; r++)
                {
                    Prefetch(next, i0 + r);
                    SoftmaxRow(scores + (r * sp), pair, i0 + r);
                }

                AttentionTiles.RowMajorTimes(rows, dp, sp, scores, sp, vRows, dp, output, dp, accumulate: false);
                Unpack(output, i0, real, y, offset);
            }
        }

        /// <summary>Turns a row of scores (padding keys −∞) into P = e^(s − m)/l times the dropout keep mask and 1/(1 − p);
        /// stores the row's logsumexp m + ln l when recording.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void SoftmaxRow(float* row, int pair, int i)
        {
            int s = length, sp = paddedLength;
            var top = Vector512.Create(float.NegativeInfinity);
            for (var j = 0; j < sp; j += AttentionTiles.Width)
            {
                top = Vector512.Max(top, Vector512.Load(row + j));
            }

            var max = HorizontalMax(top);
            var shift = Vector512.Create(max);
            var total = Vector512<float>.Zero;
            for (var j = 0; j < sp; j += AttentionTiles.Width)
            {
                var e = Vector512.Exp(Vector512.Load(row + j) - shift);
                total += e;
                e.Store(row + j);
            }

            var sum = Vector512.Sum(total);
            if (lse is not null)
            {
                lse[((long)pair * s) + i] = max + MathF.Log(sum);
            }

            var norm = Vector512.Create(1f / sum);
            var keepIndex = ((long)pair * s * s) + ((long)i * s);
            var vKeep = Vector512.Create(keepScale);
            for (var j = 0; j < sp; j += AttentionTiles.Width)
            {
                var p = Vector512.Load(row + j) * norm;
                if (keepBits is not null)
                {
                    p = Vector512.ConditionalSelect(DropoutBits.KeepMask(keepBits, keepIndex + j), p * vKeep, Vector512<float>.Zero);
                }

                p.Store(row + j);
            }
        }

        private void BackwardPair(int pair, long next, float* scratchBase)
        {
            int s = length, sp = paddedLength, dp = paddedSize, block = Math.Min(QueryBlock, sp);
            var qRows = scratchBase;
            var kRows = qRows + (sp * dp);
            var gRows = kRows + (sp * dp);
            var dkRows = gRows + (sp * dp);
            var dvRows = dkRows + (sp * dp);
            var kColumns = dvRows + (sp * dp);
            var vColumns = kColumns + (dp * sp);
            var probs = vColumns + (dp * sp);
            var dScores = probs + (block * sp);
            var dqRows = dScores + (block * sp);
            var keyBias = dqRows + (block * dp);
            var rowDot = keyBias + sp;
            var rowLse = rowDot + sp;
            var offset = Offset(pair);
            PackRows(q, offset, qRows);
            PackRows(k, offset, kRows);
            PackRows(gradOut, offset, gRows);
            Transpose(kRows, kColumns);
            PackRows(v, offset, dvRows); // dV is computed later: its storage holds V's rows until then
            Transpose(dvRows, vColumns);
            PackBias(pair, keyBias);
            for (var i = 0; i < sp; i++)
            {
                // D_i = dO_i · O_i; padding rows get lse = +∞ (P = 0) and D = 0, so they add nothing to dK and dV.
                rowDot[i] = i < s ? Dot(gRows + (i * dp), y + offset + ((long)i * width), size) : 0f;
                rowLse[i] = i < s ? lse[((long)pair * s) + i] : float.PositiveInfinity;
            }

            for (var i0 = 0; i0 < s; i0 += block)
            {
                var rows = Math.Min(block, sp - i0);
                AttentionTiles.RowMajorTimes(rows, sp, dp, qRows + (i0 * dp), dp, kColumns, sp, probs, sp, scale, keyBias);
                AttentionTiles.RowMajorTimes(rows, sp, dp, gRows + (i0 * dp), dp, vColumns, sp, dScores, sp, accumulate: false);
                for (var r = 0; r < rows; r++)
                {
                    Prefetch(next, i0 + r);
                    GradientRow(probs + (r * sp), dScores + (r * sp), pair, i0 + r, rowLse[i0 + r], rowDot[i0 + r]);
                }

                AttentionTiles.ColumnMajorTimes(sp, dp, rows, probs, sp, gRows + (i0 * dp), dp, dvRows, dp, accumulate: i0 > 0);
                AttentionTiles.ColumnMajorTimes(sp, dp, rows, dScores, sp, qRows + (i0 * dp), dp, dkRows, dp, accumulate: i0 > 0);
                AttentionTiles.RowMajorTimes(rows, dp, sp, dScores, sp, kRows, dp, dqRows, dp, accumulate: false);
                Unpack(dqRows, i0, Math.Min(rows, s - i0), dq, offset, addQ);
            }

            Unpack(dkRows, 0, s, dk, offset, addK);
            Unpack(dvRows, 0, s, dv, offset, addV);
        }

        /// <summary>From a row of scores (in <paramref name="p"/>, padding keys −∞) and of dP̃ = dO·Vᵀ (in
        /// <paramref name="ds"/>): P = e^(s − lse), P̃ = P·keep/(1 − p) into <paramref name="p"/> (for dV) and
        /// dS = P (dP − D)·scale with dP = dP̃·keep/(1 − p) into <paramref name="ds"/>. A padding row (lse = +∞, D = 0)
        /// gives zeros.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void GradientRow(float* p, float* ds, int pair, int i, float rowLse, float rowDot)
        {
            int s = length, sp = paddedLength;
            var shift = Vector512.Create(rowLse);
            var dot = Vector512.Create(rowDot);
            var vScale = Vector512.Create(scale);
            var vKeep = Vector512.Create(keepScale);
            var keepIndex = ((long)pair * s * s) + ((long)i * s);
            var dropping = keepBits is not null && i < s;
            for (var j = 0; j < sp; j += AttentionTiles.Width)
            {
                var pj = Vector512.Exp(Vector512.Load(p + j) - shift);
                var gj = Vector512.Load(ds + j);
                var kept = pj;
                if (dropping)
                {
                    var keep = DropoutBits.KeepMask(keepBits, keepIndex + j);
                    kept = Vector512.ConditionalSelect(keep, pj * vKeep, Vector512<float>.Zero);
                    gj = Vector512.ConditionalSelect(keep, gj * vKeep, Vector512<float>.Zero);
                }

                kept.Store(p + j);
                (pj * (gj - dot) * vScale).Store(ds + j);
            }
        }

        /// <summary>Starts loading row <paramref name="i"/> of the next pair's inputs and outputs (at <paramref name="next"/>;
        /// none when negative) into L2 while this pair computes: the rows are a head's few columns of wide tensors, strided
        /// accesses that the hardware prefetchers do not run far enough ahead of.</summary>
        private void Prefetch(long next, int i)
        {
            if (next < 0 || i >= length || !Sse.IsSupported)
            {
                return;
            }

            var at = next + ((long)i * width);
            PrefetchRow(q + at);
            PrefetchRow(k + at);
            PrefetchRow(v + at);
            if (backward)
            {
                PrefetchRow(gradOut + at);
                PrefetchRow(y + at);
                PrefetchRow(dq + at);
                PrefetchRow(dk + at);
                PrefetchRow(dv + at);
            }
            else
            {
                PrefetchRow(y + at);
            }
        }

        private void PrefetchRow(float* row)
        {
            for (var c = 0; c < size; c += AttentionTiles.Width)
            {
                Sse.Prefetch1(row + c);
            }

            Sse.Prefetch1(row + size - 1);
        }

        /// <summary>Σ a[c]·b[c] for c &lt; n.</summary>
        private static float Dot(float* a, float* b, int n)
        {
            var c = 0;
            var acc = Vector512<float>.Zero;
            for (; c + AttentionTiles.Width <= n; c += AttentionTiles.Width)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.Load(a + c), Vector512.Load(b + c), acc);
            }

            var sum = Vector512.Sum(acc);
            for (; c < n; c++)
            {
                sum += a[c] * b[c];
            }

            return sum;
        }

        private static float HorizontalMax(Vector512<float> x)
        {
            var h = Vector256.Max(x.GetLower(), x.GetUpper());
            var q = Vector128.Max(h.GetLower(), h.GetUpper());
            return MathF.Max(MathF.Max(q.GetElement(0), q.GetElement(1)), MathF.Max(q.GetElement(2), q.GetElement(3)));
        }

        private static int RoundUp(int n) => (n + AttentionTiles.Width - 1) / AttentionTiles.Width * AttentionTiles.Width;
    }
}
