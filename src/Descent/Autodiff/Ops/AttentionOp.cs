using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Descent.Numerics;

namespace Descent.Autodiff.Ops;

/// <summary>
/// Fused multi-head scaled dot-product attention (flash-attention style) over projections laid out as a Linear
/// writes them: Q, K, V [B, S, H·d]; output [B, S, H·d] with head h in columns h·d … h·d + d − 1. Per (batch, head):
/// O = dropout(softmax(Q·Kᵀ·scale + bias)) · V with bias the per-key mask bias [B, 1, 1, S] (no gradient), scale 1/√d.
/// </summary>
/// <remarks>
/// <para>Forward: each query row walks the keys in tiles of <see cref="KeyTile"/> with the online softmax (running
/// maximum m and sum l; the accumulated output is rescaled by e^(m_old − m_new) when the maximum grows), so no S × S
/// matrix is ever written; the row's logsumexp m + ln l is saved for the backward pass. The head's K (transposed) and V
/// are packed once into a per-thread scratch that stays in cache.</para>
/// <para>Backward (per query row i, D_i = dO_i · O_i): P_ij = e^(s_ij − lse_i) is recomputed from Q and K;
/// dV_j += P̃_ij dO_i, dP̃_ij = dO_i · V_j, dS_ij = P_ij (dP_ij − D_i) with P̃, dP the dropout-masked values; dQ_i += dS_ij
/// scale K_j, dK_j += dS_ij scale Q_i.</para>
/// <para>Dropout draws its keep bits in the unfused path's order (element (b, h, i, j) of the [B, H, S, S]
/// probabilities, <see cref="DropoutBits"/>) and stores them as bits, so it drops the same probabilities as
/// softmax-then-<see cref="DropoutOp"/> given the same generator. (batch, head) pairs are split across the cores.</para>
/// </remarks>
internal sealed unsafe class AttentionOp : Node
{
    /// <summary>Keys per tile of the forward pass's online softmax.</summary>
    internal const int KeyTile = 64;

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
            var words = DropoutBits.Words(count);
            bits = record ? Workspace.SavedInts(words) : ArrayPool<int>.Shared.Rent(words);
            DropoutBits.Fill(rng!, dropout, bits, count);
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
        var dq = ArrayPoolBuffer.Rent(q.Length);
        var dk = ArrayPoolBuffer.Rent(q.Length);
        var dv = ArrayPoolBuffer.Rent(q.Length);
        try
        {
            fixed (float* pq = q.Span, pk = k.Span, pv = v.Span, py = output.Span, pg = gradOutput, pl = logSumExp)
            fixed (float* pb = maskBias is null ? default : maskBias.Span, pdq = dq, pdk = dk, pdv = dv)
            fixed (int* pm = keep)
            {
                var j = job ??= new Job();
                j.Set(b, s, heads, hd / Math.Max(1, heads), pq, pk, pv, py, pb, pl, pm, keepScale);
                j.SetGradients(pg, pdq, pdk, pdv);
                j.Run(backward: true);
            }

            AccumulateIfNeeded(q, dq);
            AccumulateIfNeeded(k, dk);
            AccumulateIfNeeded(v, dv);
        }
        finally
        {
            ArrayPoolBuffer.Return(dq);
            ArrayPoolBuffer.Return(dk);
            ArrayPoolBuffer.Return(dv);
        }
    }

    private static void AccumulateIfNeeded(Tensor t, float[] g)
    {
        if (t.RequiresGrad)
        {
            t.AccumulateGrad(g.AsSpan(0, t.Length));
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

    /// <summary>dst[j] = Σ_c a[c] · bt[c·ld + j] (+ bias[j]) for j &lt; n: a row times the columns of a transposed matrix.</summary>
    private static void DotColumns(float* a, int d, float* bt, int ld, int n, float* bias, float* dst)
    {
        var w = Vector<float>.Count;
        var j = 0;
        for (; j <= n - (4 * w); j += 4 * w)
        {
            Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
            var col = bt + j;
            for (var c = 0; c < d; c++, col += ld)
            {
                var ac = new Vector<float>(a[c]);
                s0 += ac * Unsafe.ReadUnaligned<Vector<float>>(col);
                s1 += ac * Unsafe.ReadUnaligned<Vector<float>>(col + w);
                s2 += ac * Unsafe.ReadUnaligned<Vector<float>>(col + (2 * w));
                s3 += ac * Unsafe.ReadUnaligned<Vector<float>>(col + (3 * w));
            }

            if (bias is not null)
            {
                s0 += Unsafe.ReadUnaligned<Vector<float>>(bias + j);
                s1 += Unsafe.ReadUnaligned<Vector<float>>(bias + j + w);
                s2 += Unsafe.ReadUnaligned<Vector<float>>(bias + j + (2 * w));
                s3 += Unsafe.ReadUnaligned<Vector<float>>(bias + j + (3 * w));
            }

            Unsafe.WriteUnaligned(dst + j, s0);
            Unsafe.WriteUnaligned(dst + j + w, s1);
            Unsafe.WriteUnaligned(dst + j + (2 * w), s2);
            Unsafe.WriteUnaligned(dst + j + (3 * w), s3);
        }

        for (; j <= n - w; j += w)
        {
            Vector<float> s0 = default;
            var col = bt + j;
            for (var c = 0; c < d; c++, col += ld)
            {
                s0 += new Vector<float>(a[c]) * Unsafe.ReadUnaligned<Vector<float>>(col);
            }

            if (bias is not null)
            {
                s0 += Unsafe.ReadUnaligned<Vector<float>>(bias + j);
            }

            Unsafe.WriteUnaligned(dst + j, s0);
        }

        for (; j < n; j++)
        {
            var sum = 0f;
            for (var c = 0; c < d; c++)
            {
                sum += a[c] * bt[(c * ld) + j];
            }

            dst[j] = bias is null ? sum : sum + bias[j];
        }
    }

    /// <summary>acc[c] += Σ_j coeffs[j] · rows[j·ld + c] for c &lt; d, j &lt; n (a coefficient vector times a row-major
    /// matrix), the accumulators held in registers across the rows.</summary>
    private static void AccumulateRows(float* coeffs, int n, float* rows, int ld, float* acc, int d)
    {
        var w = Vector<float>.Count;
        var c0 = 0;
        for (; c0 <= d - (4 * w); c0 += 4 * w)
        {
            var a0 = Unsafe.ReadUnaligned<Vector<float>>(acc + c0);
            var a1 = Unsafe.ReadUnaligned<Vector<float>>(acc + c0 + w);
            var a2 = Unsafe.ReadUnaligned<Vector<float>>(acc + c0 + (2 * w));
            var a3 = Unsafe.ReadUnaligned<Vector<float>>(acc + c0 + (3 * w));
            var row = rows + c0;
            for (var j = 0; j < n; j++, row += ld)
            {
                var cj = new Vector<float>(coeffs[j]);
                a0 += cj * Unsafe.ReadUnaligned<Vector<float>>(row);
                a1 += cj * Unsafe.ReadUnaligned<Vector<float>>(row + w);
                a2 += cj * Unsafe.ReadUnaligned<Vector<float>>(row + (2 * w));
                a3 += cj * Unsafe.ReadUnaligned<Vector<float>>(row + (3 * w));
            }

            Unsafe.WriteUnaligned(acc + c0, a0);
            Unsafe.WriteUnaligned(acc + c0 + w, a1);
            Unsafe.WriteUnaligned(acc + c0 + (2 * w), a2);
            Unsafe.WriteUnaligned(acc + c0 + (3 * w), a3);
        }

        for (; c0 <= d - w; c0 += w)
        {
            var a0 = Unsafe.ReadUnaligned<Vector<float>>(acc + c0);
            var row = rows + c0;
            for (var j = 0; j < n; j++, row += ld)
            {
                a0 += new Vector<float>(coeffs[j]) * Unsafe.ReadUnaligned<Vector<float>>(row);
            }

            Unsafe.WriteUnaligned(acc + c0, a0);
        }

        for (; c0 < d; c0++)
        {
            var sum = acc[c0];
            for (var j = 0; j < n; j++)
            {
                sum += coeffs[j] * rows[(j * ld) + c0];
            }

            acc[c0] = sum;
        }
    }

    /// <summary>y[0..n) += a · x[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float a, float* x, float* y, int n)
    {
        var w = Vector<float>.Count;
        var i = 0;
        var va = new Vector<float>(a);
        for (; i <= n - w; i += w)
        {
            Unsafe.WriteUnaligned(y + i, Unsafe.ReadUnaligned<Vector<float>>(y + i) + (va * Unsafe.ReadUnaligned<Vector<float>>(x + i)));
        }

        for (; i < n; i++)
        {
            y[i] += a * x[i];
        }
    }

    /// <summary>The per-call state shared by the workers; each worker takes a contiguous share of the (batch, head) pairs.</summary>
    private sealed class Job : IWorkerJob
    {
        private int batch, length, heads, size, width;
        private float scale, keepScale;
        private float* q, k, v, y, bias, lse, gradOut, dq, dk, dv;
        private int* keepBits;
        private bool backward;

        public void Set(int batch, int length, int heads, int size, float* q, float* k, float* v, float* y, float* bias, float* lse, int* keep, float keepScale)
        {
            this.batch = batch;
            this.length = length;
            this.heads = heads;
            this.size = size;
            width = heads * size;
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

        public void SetGradients(float* gradOut, float* dq, float* dk, float* dv)
        {
            this.gradOut = gradOut;
            this.dq = dq;
            this.dk = dk;
            this.dv = dv;
        }

        public void Run(bool backward)
        {
            this.backward = backward;
            var pairs = batch * heads;
            if (pairs == 0 || length == 0 || size == 0)
            {
                if (backward)
                {
                    new Span<float>(dq, batch * length * width).Clear();
                    new Span<float>(dk, batch * length * width).Clear();
                    new Span<float>(dv, batch * length * width).Clear();
                }

                return;
            }

            // A pair is ≈ 4·S²·d flops forward: give each worker at least a few.
            var workers = Math.Min(Math.Min(ParallelRange.MaxWorkers, WorkerPool.Shared.Capacity), pairs);
            if ((long)length * length * size * pairs < 1L << 18)
            {
                workers = 1;
            }

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

        public void Execute(int worker, int workers)
        {
            var pairs = batch * heads;
            var start = (int)((long)pairs * worker / workers);
            var end = (int)((long)pairs * (worker + 1) / workers);
            var need = backward ? (5 * size * length) + (2 * length) + size : (2 * size * length) + (2 * size) + KeyTile;
            if (scratch is null || scratch.Length < need)
            {
                scratch = new float[need];
            }

            fixed (float* s = scratch)
            {
                for (var pair = start; pair < end; pair++)
                {
                    if (backward)
                    {
                        BackwardPair(pair, s);
                    }
                    else
                    {
                        ForwardPair(pair, s);
                    }
                }
            }
        }

        private long Offset(int pair) => ((long)(pair / heads) * length * width) + ((pair % heads) * size);

        /// <summary>Packs the head's K transposed [d, S] into <paramref name="kt"/> and, when given, V transposed into
        /// <paramref name="vt"/>, V row-major [S, d] into <paramref name="vRows"/> and K row-major into <paramref name="kRows"/>.</summary>
        private void Pack(long offset, float* kt, float* vt, float* vRows, float* kRows)
        {
            int s = length, d = size;
            for (var j = 0; j < s; j++)
            {
                var kr = k + offset + ((long)j * width);
                var vr = v + offset + ((long)j * width);
                for (var c = 0; c < d; c++)
                {
                    kt[(c * s) + j] = kr[c];
                }

                if (vt is not null)
                {
                    for (var c = 0; c < d; c++)
                    {
                        vt[(c * s) + j] = vr[c];
                    }
                }

                if (vRows is not null)
                {
                    Buffer.MemoryCopy(vr, vRows + (j * d), d * sizeof(float), d * sizeof(float));
                }

                if (kRows is not null)
                {
                    Buffer.MemoryCopy(kr, kRows + (j * d), d * sizeof(float), d * sizeof(float));
                }
            }
        }

        private void ForwardPair(int pair, float* scratchBase)
        {
            int s = length, d = size;
            var kt = scratchBase;
            var vRows = kt + (d * s);
            var qs = vRows + (s * d);
            var acc = qs + d;
            var tile = acc + d;
            var offset = Offset(pair);
            Pack(offset, kt, null, vRows, null);
            var rowBias = bias is null ? null : bias + ((long)(pair / heads) * s);
            var keepBase = (long)pair * s * s;
            for (var i = 0; i < s; i++)
            {
                var qi = q + offset + ((long)i * width);
                for (var c = 0; c < d; c++)
                {
                    qs[c] = qi[c] * scale;
                }

                var m = float.NegativeInfinity;
                var l = 0f;
                new Span<float>(acc, d).Clear();
                for (var j0 = 0; j0 < s; j0 += KeyTile)
                {
                    var n = Math.Min(KeyTile, s - j0);
                    DotColumns(qs, d, kt + j0, s, n, rowBias is null ? null : rowBias + j0, tile);
                    var scores = new Span<float>(tile, n);
                    var tileMax = TensorPrimitives.Max(scores);
                    if (!(tileMax <= m))
                    {
                        var correction = MathF.Exp(m - tileMax);
                        l *= correction;
                        TensorPrimitives.Multiply(new ReadOnlySpan<float>(acc, d), correction, new Span<float>(acc, d));
                        m = tileMax;
                    }

                    TensorPrimitives.Subtract(scores, m, scores);
                    TensorPrimitives.Exp(scores, scores);
                    l += TensorPrimitives.Sum(scores);
                    if (keepBits is not null)
                    {
                        var keepIndex = keepBase + ((long)i * s) + j0;
                        for (var jj = 0; jj < n; jj++)
                        {
                            tile[jj] *= DropoutBits.Keeps(keepBits, keepIndex + jj) ? keepScale : 0f;
                        }
                    }

                    AccumulateRows(tile, n, vRows + (j0 * d), d, acc, d);
                }

                var inv = 1f / l;
                var yi = y + offset + ((long)i * width);
                for (var c = 0; c < d; c++)
                {
                    yi[c] = acc[c] * inv;
                }

                if (lse is not null)
                {
                    lse[((long)pair * s) + i] = m + MathF.Log(l);
                }
            }
        }

        private void BackwardPair(int pair, float* scratchBase)
        {
            int s = length, d = size;
            var kt = scratchBase;
            var vt = kt + (d * s);
            var kRows = vt + (d * s);
            var dkRows = kRows + (s * d);
            var dvRows = dkRows + (s * d);
            var p = dvRows + (s * d);
            var dp = p + s;
            var qs = dp + s;
            var offset = Offset(pair);
            Pack(offset, kt, vt, null, kRows);
            new Span<float>(dkRows, 2 * s * d).Clear();
            var rowBias = bias is null ? null : bias + ((long)(pair / heads) * s);
            var keepBase = (long)pair * s * s;
            for (var i = 0; i < s; i++)
            {
                var row = offset + ((long)i * width);
                float* qi = q + row, gi = gradOut + row, dqi = dq + row;
                var di = TensorPrimitives.Dot(new ReadOnlySpan<float>(gi, d), new ReadOnlySpan<float>(y + row, d));
                for (var c = 0; c < d; c++)
                {
                    qs[c] = qi[c] * scale;
                }

                DotColumns(qs, d, kt, s, s, rowBias, p);
                var probs = new Span<float>(p, s);
                TensorPrimitives.Subtract(probs, lse[((long)pair * s) + i], probs);
                TensorPrimitives.Exp(probs, probs);
                DotColumns(gi, d, vt, s, s, null, dp);
                var keepIndex = keepBase + ((long)i * s);
                for (var j = 0; j < s; j++)
                {
                    float pj = p[j], dpj = dp[j], kept = pj;
                    if (keepBits is not null)
                    {
                        var mask = DropoutBits.Keeps(keepBits, keepIndex + j) ? keepScale : 0f;
                        kept = pj * mask;
                        dpj *= mask;
                    }

                    Axpy(kept, gi, dvRows + (j * d), d);
                    dp[j] = pj * (dpj - di) * scale; // dS, scaled
                }

                new Span<float>(dqi, d).Clear();
                AccumulateRows(dp, s, kRows, d, dqi, d);
                for (var j = 0; j < s; j++)
                {
                    Axpy(dp[j], qi, dkRows + (j * d), d);
                }
            }

            for (var j = 0; j < s; j++)
            {
                var at = offset + ((long)j * width);
                Buffer.MemoryCopy(dkRows + (j * d), dk + at, d * sizeof(float), d * sizeof(float));
                Buffer.MemoryCopy(dvRows + (j * d), dv + at, d * sizeof(float), d * sizeof(float));
            }
        }
    }
}
