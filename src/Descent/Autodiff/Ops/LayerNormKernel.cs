using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Descent.Numerics;

namespace Descent.Autodiff.Ops;

/// <summary>
/// The passes of layer normalization over rows of <c>width</c> values, shared by <see cref="LayerNormOp"/> (z = x) and
/// <see cref="ResidualLayerNormOp"/> (z = x·mask + r, the dropout mask kept as <see cref="DropoutBits"/>): forward
/// (statistics, y = (z − μ)·σ⁻¹·γ + β) and backward (dz, routed to x and r, and γ's and β's gradients). Rows are split
/// across the cores (<see cref="ParallelRange"/>); each row is read once from memory per pass and written once.
/// </summary>
/// <remarks>
/// <para>Every row kernel has two forms that give the same bits: a Vector512 one (used when the hardware accelerates it
/// and the path is not <see cref="Optimizers.KernelPath.Reference"/>) and a scalar reference. Sums over a row are
/// accumulated in double precision in 32 lanes, element j in lane j mod 32, and the lanes combined in one fixed order
/// (<see cref="Reduce(Vector512{double}, Vector512{double}, Vector512{double}, Vector512{double})"/>); the element-wise
/// arithmetic is the same sequence of float and double operations in both forms (no fused multiply-add).</para>
/// <para>γ's and β's gradients are summed in double over fixed blocks of <see cref="BlockRows"/> rows (rows in order
/// within a block), then over the blocks in order, and rounded once: the result does not depend on the number of
/// workers. Gradients are written straight into the inputs' gradients (added where one exists).</para>
/// </remarks>
internal sealed unsafe class LayerNormKernel : IRangeJob
{
    /// <summary>Rows per partial sum of γ's and β's gradients.</summary>
    public const int BlockRows = 64;

    private const int Lanes = 32;

    /// <summary>Elements per worker below which a pass is not split further (≈ 16 K values).</summary>
    private const int MinChunkElements = 1 << 14;

    private static readonly Vector512<uint> LaneBits = Vector512.Create(
        1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u, 512u, 1024u, 2048u, 4096u, 8192u, 16384u, 32768u);

    private static readonly Vector512<double> LowIndices = Vector512.Create(0.0, 1, 2, 3, 4, 5, 6, 7);

    private static readonly Vector512<double> HighIndices = Vector512.Create(8.0, 9, 10, 11, 12, 13, 14, 15);

    [ThreadStatic]
    private static LayerNormKernel? perThread;

    private float* x, r, y, g, dx, dr, w, b, mean, invStd;
    private int* keep;
    private int keepWords;
    private float keepScale;
    private int width;
    private int rows;
    private int stride;
    private double eps;
    private double* partials;
    private bool addX, addR, sameTarget, simd, backward;

    /// <summary>Whether the Vector512 row kernels can run on this machine.</summary>
    public static bool SimdAvailable => Vector512.IsHardwareAccelerated;

    /// <summary>Doubles of partial sums a backward pass with γ/β gradients needs for <paramref name="rows"/> rows of
    /// <paramref name="width"/> values.</summary>
    public static int PartialLength(int rows, int width) => Blocks(rows) * 2 * Padded(width);

    /// <summary>Normalizes <paramref name="rowCount"/> rows of z into y, saving each row's mean and 1/√(σ² + ε).</summary>
    /// <param name="x">The input rows.</param>
    /// <param name="residual">Added to x·mask (null: z = x).</param>
    /// <param name="keepBits">Dropout keep bits over x's elements (null: no dropout); only with a residual.</param>
    /// <param name="keepBitsLength">Number of words in <paramref name="keepBits"/>.</param>
    /// <param name="keepScale">The value of a kept element's mask, 1/(1 − p).</param>
    /// <param name="weight">γ (null: none).</param>
    /// <param name="bias">β (null: none).</param>
    /// <param name="rowCount">Rows.</param>
    /// <param name="rowWidth">Values per row.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="output">y, rows × width.</param>
    /// <param name="means">Receives each row's mean.</param>
    /// <param name="invStds">Receives each row's 1/√(σ² + ε).</param>
    /// <param name="useSimd">Vector512 row kernels (when available) or the scalar reference.</param>
    public static void Forward(float* x, float* residual, int* keepBits, int keepBitsLength, float keepScale, float* weight, float* bias,
        int rowCount, int rowWidth, double epsilon, float* output, float* means, float* invStds, bool useSimd)
    {
        var k = perThread ??= new LayerNormKernel();
        try
        {
            k.Set(x, residual, keepBits, keepBitsLength, keepScale, weight, bias, rowCount, rowWidth, means, invStds, useSimd);
            k.y = output;
            k.eps = epsilon;
            k.backward = false;
            ParallelRange.For(rowCount, Math.Max(1, MinChunkElements / Math.Max(1, rowWidth)), k);
        }
        finally
        {
            k.Clear();
        }
    }

    /// <summary>The backward pass: from the output gradient, writes (or adds, per flag) dz into the residual's gradient
    /// and dz·mask into x's, and the blocks' partial sums of γ's and β's gradients into <paramref name="partialSums"/>
    /// (null: not needed; see <see cref="SumPartials"/>). Arguments as <see cref="Forward"/>.</summary>
    /// <param name="gradX">x's gradient (null: not needed).</param>
    /// <param name="accumulateX">Add into <paramref name="gradX"/> (false: overwrite it).</param>
    /// <param name="gradResidual">The residual's gradient (null: not needed or the same as x's, <paramref name="sameGradient"/>).</param>
    /// <param name="accumulateResidual">Add into <paramref name="gradResidual"/>.</param>
    /// <param name="sameGradient">x and the residual are one tensor: its gradient gets dz then dz·mask, in that order.</param>
    public static void Backward(float* x, float* residual, int* keepBits, int keepBitsLength, float keepScale, float* weight,
        int rowCount, int rowWidth, float* means, float* invStds, float* gradOutput,
        float* gradX, bool accumulateX, float* gradResidual, bool accumulateResidual, bool sameGradient, double* partialSums, bool useSimd)
    {
        var k = perThread ??= new LayerNormKernel();
        try
        {
            k.Set(x, residual, keepBits, keepBitsLength, keepScale, weight, null, rowCount, rowWidth, means, invStds, useSimd);
            k.g = gradOutput;
            k.dx = gradX;
            k.addX = accumulateX;
            k.dr = gradResidual;
            k.addR = accumulateResidual;
            k.sameTarget = sameGradient;
            k.partials = partialSums;
            k.backward = true;
            ParallelRange.For(Blocks(rowCount), Math.Max(1, MinChunkElements / Math.Max(1, BlockRows * rowWidth)), k);
        }
        finally
        {
            k.Clear();
        }
    }

    /// <summary>Sums the blocks' partial sums of a backward pass over <paramref name="rowCount"/> rows (in block order)
    /// into γ's (<paramref name="dWeight"/>) and β's (<paramref name="dBias"/>) gradients.</summary>
    public static void SumPartials(ReadOnlySpan<double> partialSums, int rowCount, int rowWidth, Span<double> dWeight, Span<double> dBias)
    {
        var s = Padded(rowWidth);
        dWeight[..rowWidth].Clear();
        dBias[..rowWidth].Clear();
        for (var block = 0; block < Blocks(rowCount); block++)
        {
            var p = partialSums.Slice(block * 2 * s, 2 * s);
            for (var j = 0; j < rowWidth; j++)
            {
                dWeight[j] += p[j];
                dBias[j] += p[s + j];
            }
        }
    }

    /// <inheritdoc />
    public void Execute(int start, int end)
    {
        var tmp = stackalloc float[32];
        if (!backward)
        {
            for (var row = start; row < end; row++)
            {
                if (simd)
                {
                    ForwardRowSimd(row, tmp);
                }
                else
                {
                    ForwardRowReference(row);
                }
            }

            return;
        }

        for (var block = start; block < end; block++)
        {
            var p = partials is null ? null : partials + ((long)block * 2 * stride);
            if (p is not null)
            {
                new Span<double>(p, 2 * stride).Clear();
            }

            var last = Math.Min(rows, (block + 1) * BlockRows);
            for (var row = block * BlockRows; row < last; row++)
            {
                if (simd)
                {
                    BackwardRowSimd(row, p, tmp);
                }
                else
                {
                    BackwardRowReference(row, p);
                }
            }
        }
    }

    private static int Blocks(int rowCount) => (rowCount + BlockRows - 1) / BlockRows;

    private static int Padded(int rowWidth) => (rowWidth + 15) & ~15;

    /// <summary>The sum of the 32 lanes a0 (lanes 0–7) … a3 (lanes 24–31) in the order of <see cref="ReduceReference"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Reduce(Vector512<double> a0, Vector512<double> a1, Vector512<double> a2, Vector512<double> a3)
    {
        var t = (a0 + a1) + (a2 + a3);
        var u = t.GetLower() + t.GetUpper();
        var v = u.GetLower() + u.GetUpper();
        return v.ToScalar() + v.GetElement(1);
    }

    /// <summary>The sum of 32 lanes: t_i = (L_i + L_{8+i}) + (L_{16+i} + L_{24+i}), u_i = t_i + t_{4+i},
    /// v_i = u_i + u_{2+i}, v_0 + v_1.</summary>
    private static double ReduceReference(double* lanes)
    {
        var t = stackalloc double[8];
        for (var i = 0; i < 8; i++)
        {
            t[i] = (lanes[i] + lanes[8 + i]) + (lanes[16 + i] + lanes[24 + i]);
        }

        for (var i = 0; i < 4; i++)
        {
            t[i] += t[4 + i];
        }

        return (t[0] + t[2]) + (t[1] + t[3]);
    }

    private void Set(float* px, float* pr, int* bits, int words, float scale, float* pw, float* pb, int rowCount, int rowWidth,
        float* means, float* invStds, bool useSimd)
    {
        x = px;
        r = pr;
        keep = pr is null ? null : bits;
        keepWords = words;
        keepScale = scale;
        w = pw;
        b = pb;
        rows = rowCount;
        width = rowWidth;
        stride = Padded(rowWidth);
        mean = means;
        invStd = invStds;
        simd = useSimd && SimdAvailable;
    }

    private void Clear()
    {
        x = r = y = g = dx = dr = w = b = mean = invStd = null;
        keep = null;
        partials = null;
    }

    /// <summary>z at element <paramref name="e"/> of the input: x·mask + r as dropout then addition compute it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Z(long e)
    {
        var v = x[e];
        if (r is not null)
        {
            if (keep is not null)
            {
                v *= DropoutBits.Keeps(keep, e) ? keepScale : 0f;
            }

            v += r[e];
        }

        return v;
    }

    /// <summary>The dropout mask values (1/(1 − p) or 0) of the 16 elements from <paramref name="e"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<float> MaskValues(long e)
    {
        var word = e >> 5;
        ulong lo = (uint)keep[word];
        ulong hi = word + 1 < keepWords ? (uint)keep[word + 1] : 0;
        var bits = (uint)((lo | (hi << 32)) >> (int)(e & 31)) & 0xFFFF;
        var kept = Vector512.Equals(Vector512.Create(bits) & LaneBits, LaneBits).AsSingle();
        return Vector512.ConditionalSelect(kept, Vector512.Create(keepScale), Vector512<float>.Zero);
    }

    /// <summary>z of the 16 elements from <paramref name="e"/> (all inside the row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector512<float> ZBlock(long e)
    {
        var v = Vector512.Load(x + e);
        if (r is not null)
        {
            if (keep is not null)
            {
                v *= MaskValues(e);
            }

            v += Vector512.Load(r + e);
        }

        return v;
    }

    /// <summary>Lanes of the 16-element block [j, j + 16) that lie inside a row of <paramref name="d"/> values (low and
    /// high 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double> Low, Vector512<double> High) Valid(int j, int d)
    {
        var n = Vector512.Create((double)(d - j));
        return (Vector512.LessThan(LowIndices, n), Vector512.LessThan(HighIndices, n));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardRowSimd(int row, float* tmp)
    {
        var d = width;
        var at = (long)row * d;
        var yr = y + at;
        var src = r is null ? x + at : yr; // z, after the first pass when it is formed here
        var full = d & ~15;
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default;
        int j;
        for (j = 0; j < full; j += 16)
        {
            var z = ZBlock(at + j);
            if (r is not null)
            {
                z.Store(yr + j);
            }

            var (lo, hi) = Vector512.Widen(z);
            if ((j & 16) == 0)
            {
                a0 += lo;
                a1 += hi;
            }
            else
            {
                a2 += lo;
                a3 += hi;
            }
        }

        if (j < d)
        {
            for (var t = 0; t < 16; t++)
            {
                tmp[t] = j + t < d ? Z(at + j + t) : 0f;
                if (r is not null && j + t < d)
                {
                    yr[j + t] = tmp[t];
                }
            }

            var (lo, hi) = Vector512.Widen(Vector512.Load(tmp));
            if ((j & 16) == 0)
            {
                a0 += lo;
                a1 += hi;
            }
            else
            {
                a2 += lo;
                a3 += hi;
            }
        }

        var meanD = Reduce(a0, a1, a2, a3) / d;
        var md = Vector512.Create(meanD);
        a0 = a1 = a2 = a3 = default;
        for (j = 0; j < full; j += 16)
        {
            var (lo, hi) = Vector512.Widen(Vector512.Load(src + j));
            lo -= md;
            hi -= md;
            if ((j & 16) == 0)
            {
                a0 += lo * lo;
                a1 += hi * hi;
            }
            else
            {
                a2 += lo * lo;
                a3 += hi * hi;
            }
        }

        if (j < d)
        {
            var (lo, hi) = Vector512.Widen(Vector512.Load(tmp));
            var (vl, vh) = Valid(j, d);
            lo = Vector512.ConditionalSelect(vl, lo - md, default);
            hi = Vector512.ConditionalSelect(vh, hi - md, default);
            if ((j & 16) == 0)
            {
                a0 += lo * lo;
                a1 += hi * hi;
            }
            else
            {
                a2 += lo * lo;
                a3 += hi * hi;
            }
        }

        var sq = Reduce(a0, a1, a2, a3);
        var m = (float)meanD;
        var inv = (float)(1.0 / Math.Sqrt((sq / d) + eps));
        mean[row] = m;
        invStd[row] = inv;
        var mv = Vector512.Create(m);
        var iv = Vector512.Create(inv);
        for (j = 0; j < full; j += 16)
        {
            var v = (Vector512.Load(src + j) - mv) * iv;
            if (w is not null)
            {
                v *= Vector512.Load(w + j);
            }

            if (b is not null)
            {
                v += Vector512.Load(b + j);
            }

            v.Store(yr + j);
        }

        for (; j < d; j++)
        {
            yr[j] = Normalized(src[j], m, inv, j);
        }
    }

    /// <summary>(z − μ)·σ⁻¹, times γ and plus β where present, in float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Normalized(float z, float m, float inv, int j)
    {
        var v = (z - m) * inv;
        if (w is not null)
        {
            v *= w[j];
        }

        if (b is not null)
        {
            v += b[j];
        }

        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardRowReference(int row)
    {
        var d = width;
        var at = (long)row * d;
        var yr = y + at;
        var src = r is null ? x + at : yr;
        var lanes = stackalloc double[Lanes];
        new Span<double>(lanes, Lanes).Clear();
        for (var j = 0; j < d; j++)
        {
            var z = Z(at + j);
            if (r is not null)
            {
                yr[j] = z;
            }

            lanes[j & (Lanes - 1)] += z;
        }

        var meanD = ReduceReference(lanes) / d;
        new Span<double>(lanes, Lanes).Clear();
        for (var j = 0; j < d; j++)
        {
            var v = src[j] - meanD;
            lanes[j & (Lanes - 1)] += v * v;
        }

        var m = (float)meanD;
        var inv = (float)(1.0 / Math.Sqrt((ReduceReference(lanes) / d) + eps));
        mean[row] = m;
        invStd[row] = inv;
        for (var j = 0; j < d; j++)
        {
            yr[j] = Normalized(src[j], m, inv, j);
        }
    }

    /// <summary>One row of the backward pass, scalar reference: x̂ = (z − μ)·σ⁻¹ and h = g·γ in double,
    /// dz = σ⁻¹(h − mean(h) − x̂·mean(h·x̂)) rounded to float, γ's partial sum += g·x̂ and β's += g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardRowReference(int row, double* p)
    {
        var d = width;
        var at = (long)row * d;
        var m = mean[row];
        double inv = invStd[row];
        var sums = stackalloc double[2 * Lanes];
        new Span<double>(sums, 2 * Lanes).Clear();
        for (var j = 0; j < d; j++)
        {
            double gv = g[at + j];
            var xhat = (double)(Z(at + j) - m) * inv;
            var h = w is null ? gv : gv * w[j];
            sums[j & (Lanes - 1)] += h;
            sums[Lanes + (j & (Lanes - 1))] += h * xhat;
            if (p is not null)
            {
                p[j] += gv * xhat;
                p[stride + j] += gv;
            }
        }

        var meanH = ReduceReference(sums) / d;
        var meanHx = ReduceReference(sums + Lanes) / d;
        for (var j = 0; j < d; j++)
        {
            double gv = g[at + j];
            var xhat = (double)(Z(at + j) - m) * inv;
            var h = w is null ? gv : gv * w[j];
            Route(at + j, (float)(inv * (h - meanH - (xhat * meanHx))));
        }
    }

    /// <summary>Writes or adds dz at element <paramref name="e"/> into the residual's gradient and dz·mask into x's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Route(long e, float dz)
    {
        if (r is null)
        {
            if (dx is not null)
            {
                dx[e] = addX ? dx[e] + dz : dz;
            }

            return;
        }

        var dzx = keep is null ? dz : dz * (DropoutBits.Keeps(keep, e) ? keepScale : 0f);
        if (sameTarget)
        {
            dx[e] = (addX ? dx[e] + dz : dz) + dzx;
            return;
        }

        if (dr is not null)
        {
            dr[e] = addR ? dr[e] + dz : dz;
        }

        if (dx is not null)
        {
            dx[e] = addX ? dx[e] + dzx : dzx;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RouteBlock(long e, Vector512<float> dz)
    {
        if (r is null)
        {
            if (dx is not null)
            {
                (addX ? Vector512.Load(dx + e) + dz : dz).Store(dx + e);
            }

            return;
        }

        var dzx = keep is null ? dz : dz * MaskValues(e);
        if (sameTarget)
        {
            ((addX ? Vector512.Load(dx + e) + dz : dz) + dzx).Store(dx + e);
            return;
        }

        if (dr is not null)
        {
            (addR ? Vector512.Load(dr + e) + dz : dz).Store(dr + e);
        }

        if (dx is not null)
        {
            (addX ? Vector512.Load(dx + e) + dzx : dzx).Store(dx + e);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardRowSimd(int row, double* p, float* tmp)
    {
        var d = width;
        var at = (long)row * d;
        var m = Vector512.Create(mean[row]);
        var inv = Vector512.Create((double)invStd[row]);
        var full = d & ~15;
        Vector512<double> h0 = default, h1 = default, h2 = default, h3 = default;
        Vector512<double> q0 = default, q1 = default, q2 = default, q3 = default;
        for (var j = 0; j < d; j += 16)
        {
            var (z, gv) = BackwardBlock(at, j, d, full, tmp);

            var (xl, xh) = Vector512.Widen(z - m);
            xl *= inv;
            xh *= inv;
            if (j >= full)
            {
                var (vl, vh) = Valid(j, d);
                xl = Vector512.ConditionalSelect(vl, xl, default);
                xh = Vector512.ConditionalSelect(vh, xh, default);
            }

            var (gl, gh) = Vector512.Widen(gv);
            var (hl, hh) = (gl, gh);
            if (w is not null)
            {
                var wv = j < full ? Vector512.Load(w + j) : WeightTail(j, d, tmp);
                var (wl, wh) = Vector512.Widen(wv);
                hl *= wl;
                hh *= wh;
            }

            if ((j & 16) == 0)
            {
                h0 += hl;
                h1 += hh;
                q0 += hl * xl;
                q1 += hh * xh;
            }
            else
            {
                h2 += hl;
                h3 += hh;
                q2 += hl * xl;
                q3 += hh * xh;
            }

            if (p is not null)
            {
                (Vector512.Load(p + j) + (gl * xl)).Store(p + j);
                (Vector512.Load(p + j + 8) + (gh * xh)).Store(p + j + 8);
                (Vector512.Load(p + stride + j) + gl).Store(p + stride + j);
                (Vector512.Load(p + stride + j + 8) + gh).Store(p + stride + j + 8);
            }
        }

        var meanH = Vector512.Create(Reduce(h0, h1, h2, h3) / d);
        var meanHx = Vector512.Create(Reduce(q0, q1, q2, q3) / d);
        for (var j = 0; j < d; j += 16)
        {
            var (z, gv) = BackwardBlock(at, j, d, full, tmp);

            var (xl, xh) = Vector512.Widen(z - m);
            xl *= inv;
            xh *= inv;
            var (hl, hh) = Vector512.Widen(gv);
            if (w is not null)
            {
                var (wl, wh) = Vector512.Widen(j < full ? Vector512.Load(w + j) : WeightTail(j, d, tmp));
                hl *= wl;
                hh *= wh;
            }

            var dz = Vector512.Narrow(inv * (hl - meanH - (xl * meanHx)), inv * (hh - meanH - (xh * meanHx)));
            if (j < full)
            {
                RouteBlock(at + j, dz);
            }
            else
            {
                dz.Store(tmp);
                for (var t = 0; j + t < d; t++)
                {
                    Route(at + j + t, tmp[t]);
                }
            }
        }
    }

    /// <summary>z and the output gradient of the 16-element block at <paramref name="j"/> of the row starting at
    /// <paramref name="at"/>; the last, partial block (<paramref name="j"/> ≥ <paramref name="full"/>) zero-padded through
    /// <paramref name="tmp"/> (32 floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (Vector512<float> Z, Vector512<float> G) BackwardBlock(long at, int j, int d, int full, float* tmp)
    {
        if (j < full)
        {
            return (ZBlock(at + j), Vector512.Load(g + at + j));
        }

        for (var t = 0; t < 16; t++)
        {
            tmp[t] = j + t < d ? Z(at + j + t) : 0f;
            tmp[16 + t] = j + t < d ? g[at + j + t] : 0f;
        }

        return (Vector512.Load(tmp), Vector512.Load(tmp + 16));
    }

    /// <summary>γ of the last, partial block, zero-padded (through the second half of <paramref name="tmp"/>, which the
    /// caller has already read).</summary>
    private Vector512<float> WeightTail(int j, int d, float* tmp)
    {
        var t = tmp + 16;
        for (var i = 0; i < 16; i++)
        {
            t[i] = j + i < d ? w[j + i] : 0f;
        }

        return Vector512.Load(t);
    }
}
