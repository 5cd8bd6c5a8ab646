namespace Descent.Autodiff.Ops;

/// <summary>
/// 2-D convolution (cross-correlation, as torch.nn.functional.conv2d) of x [N, C, H, W] with weight
/// [O, C, kh, kw] and an optional bias [O], with stride and zero padding; output [N, O, Ho, Wo] where
/// Ho = (H + 2·ph − kh) / sh + 1.
/// </summary>
/// <remarks>
/// Per sample, im2col unfolds x into col [C·kh·kw, Ho·Wo] and the GEMM computes W [O, C·kh·kw] · col.
/// Backward: dW += gOut · colᵀ, dcol = Wᵀ · gOut folded back by col2im into dx, db += Σ gOut. The columns
/// are recomputed in backward rather than kept, so memory stays at one sample's columns.
/// </remarks>
internal sealed class Conv2dOp : Node
{
    private readonly Geometry g;

    private Conv2dOp(Tensor x, Tensor w, Tensor? b, Geometry g)
        : base(b is null ? [x, w] : [x, w, b])
    {
        this.g = g;
    }

    public override string Name => "ConvolutionBackward";

    public static Tensor Forward(Tensor x, Tensor weight, Tensor? bias, int strideH, int strideW, int padH, int padW)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        var g = Geometry.Create(x, weight, bias, strideH, strideW, padH, padW);
        var y = new Tensor(g.N, g.O, g.Ho, g.Wo);
        var col = ArrayPoolBuffer.Rent(g.Ck * g.Spatial);
        var xs = x.Span;
        var ws = weight.Span;
        var ys = y.Span;
        for (var n = 0; n < g.N; n++)
        {
            var colSpan = col.AsSpan(0, g.Ck * g.Spatial);
            Im2Col(xs.Slice(n * g.InSize, g.InSize), colSpan, g);
            var outN = ys.Slice(n * g.OutSize, g.OutSize);
            if (bias is not null)
            {
                var bs = bias.Span;
                for (var o = 0; o < g.O; o++)
                {
                    outN.Slice(o * g.Spatial, g.Spatial).Fill(bs[o]);
                }
            }

            Numerics.Gemm.Multiply(false, false, g.O, g.Spatial, g.Ck, 1f, ws, g.Ck, colSpan, g.Spatial,
                bias is null ? 0f : 1f, outN, g.Spatial);
        }

        ArrayPoolBuffer.Return(col);
        var inputs = bias is null ? new[] { x, weight } : new[] { x, weight, bias };
        return Tape.ShouldRecord(inputs) ? Tape.Record(y, new Conv2dOp(x, weight, bias, g)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        var w = Inputs[1];
        var b = Inputs.Count > 2 ? Inputs[2] : null;
        var colLen = g.Ck * g.Spatial;
        var col = ArrayPoolBuffer.Rent(colLen);
        float[]? dw = w.RequiresGrad ? ArrayPoolBuffer.Rent(w.Length) : null;
        float[]? dx = x.RequiresGrad ? ArrayPoolBuffer.Rent(x.Length) : null;
        dw?.AsSpan(0, w.Length).Clear();
        dx?.AsSpan(0, x.Length).Clear();
        var xs = x.Span;
        var ws = w.Span;
        for (var n = 0; n < g.N; n++)
        {
            var gOut = gradOutput.Slice(n * g.OutSize, g.OutSize);
            var colSpan = col.AsSpan(0, colLen);
            if (dw is not null)
            {
                Im2Col(xs.Slice(n * g.InSize, g.InSize), colSpan, g);
                Numerics.Gemm.Multiply(false, true, g.O, g.Ck, g.Spatial, 1f, gOut, g.Spatial, colSpan, g.Spatial,
                    1f, dw.AsSpan(0, w.Length), g.Ck);
            }

            if (dx is not null)
            {
                Numerics.Gemm.Multiply(true, false, g.Ck, g.Spatial, g.O, 1f, ws, g.Ck, gOut, g.Spatial, 0f, colSpan, g.Spatial);
                Col2Im(colSpan, dx.AsSpan(n * g.InSize, g.InSize), g);
            }
        }

        ArrayPoolBuffer.Return(col);
        if (dx is not null)
        {
            x.AccumulateGrad(dx.AsSpan(0, x.Length));
            ArrayPoolBuffer.Return(dx);
        }

        if (dw is not null)
        {
            w.AccumulateGrad(dw.AsSpan(0, w.Length));
            ArrayPoolBuffer.Return(dw);
        }

        if (b is not null && b.RequiresGrad)
        {
            var db = ArrayPoolBuffer.Rent(g.O);
            for (var o = 0; o < g.O; o++)
            {
                var s = 0.0;
                for (var n = 0; n < g.N; n++)
                {
                    foreach (var v in gradOutput.Slice((n * g.OutSize) + (o * g.Spatial), g.Spatial))
                    {
                        s += v;
                    }
                }

                db[o] = (float)s;
            }

            b.AccumulateGrad(db.AsSpan(0, g.O));
            ArrayPoolBuffer.Return(db);
        }
    }

    /// <summary>Unfolds one sample [C, H, W] into col [C·kh·kw, Ho·Wo] (zero where the window is in the padding).</summary>
    internal static void Im2Col(ReadOnlySpan<float> x, Span<float> col, in Geometry g)
    {
        var row = 0;
        for (var c = 0; c < g.C; c++)
        {
            for (var ki = 0; ki < g.Kh; ki++)
            {
                for (var kj = 0; kj < g.Kw; kj++, row++)
                {
                    var dst = col.Slice(row * g.Spatial, g.Spatial);
                    var p = 0;
                    for (var oi = 0; oi < g.Ho; oi++)
                    {
                        var ii = (oi * g.Sh) - g.Ph + ki;
                        if ((uint)ii >= (uint)g.H)
                        {
                            dst.Slice(p, g.Wo).Clear();
                            p += g.Wo;
                            continue;
                        }

                        var src = x.Slice((c * g.H * g.W) + (ii * g.W), g.W);
                        for (var oj = 0; oj < g.Wo; oj++, p++)
                        {
                            var jj = (oj * g.Sw) - g.Pw + kj;
                            dst[p] = (uint)jj < (uint)g.W ? src[jj] : 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds col [C·kh·kw, Ho·Wo] back into one sample's gradient [C, H, W] (the adjoint of im2col).</summary>
    internal static void Col2Im(ReadOnlySpan<float> col, Span<float> dx, in Geometry g)
    {
        var row = 0;
        for (var c = 0; c < g.C; c++)
        {
            for (var ki = 0; ki < g.Kh; ki++)
            {
                for (var kj = 0; kj < g.Kw; kj++, row++)
                {
                    var src = col.Slice(row * g.Spatial, g.Spatial);
                    var p = 0;
                    for (var oi = 0; oi < g.Ho; oi++)
                    {
                        var ii = (oi * g.Sh) - g.Ph + ki;
                        if ((uint)ii >= (uint)g.H)
                        {
                            p += g.Wo;
                            continue;
                        }

                        var dst = dx.Slice((c * g.H * g.W) + (ii * g.W), g.W);
                        for (var oj = 0; oj < g.Wo; oj++, p++)
                        {
                            var jj = (oj * g.Sw) - g.Pw + kj;
                            if ((uint)jj < (uint)g.W)
                            {
                                dst[jj] += src[p];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Sizes of one convolution.</summary>
    internal readonly record struct Geometry(int N, int C, int H, int W, int O, int Kh, int Kw, int Sh, int Sw, int Ph, int Pw, int Ho, int Wo)
    {
        public int Ck => C * Kh * Kw;

        public int Spatial => Ho * Wo;

        public int InSize => C * H * W;

        public int OutSize => O * Ho * Wo;

        public static Geometry Create(Tensor x, Tensor w, Tensor? b, int sh, int sw, int ph, int pw)
        {
            if (x.Rank != 4)
            {
                throw new ArgumentException($"Conv2d: input must be [N, C, H, W], got shape {ShapeUtil.Format(x.Shape)}", nameof(x));
            }

            if (w.Rank != 4)
            {
                throw new ArgumentException($"Conv2d: weight must be [O, C, kh, kw], got shape {ShapeUtil.Format(w.Shape)}", nameof(w));
            }

            if (x.Shape[1] != w.Shape[1])
            {
                throw new ShapeMismatchException("Conv2d", x.Shape, w.Shape,
                    $"the input has {x.Shape[1]} channels but the weight expects {w.Shape[1]}");
            }

            if (b is not null && (b.Rank != 1 || b.Shape[0] != w.Shape[0]))
            {
                throw new ShapeMismatchException("Conv2d", w.Shape, b.Shape, $"the bias must be [{w.Shape[0]}]");
            }

            if (sh < 1 || sw < 1 || ph < 0 || pw < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(sh), $"Conv2d: stride ({sh}, {sw}) must be ≥ 1 and padding ({ph}, {pw}) ≥ 0");
            }

            int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
            int o = w.Shape[0], kh = w.Shape[2], kw = w.Shape[3];
            var ho = ((h + (2 * ph) - kh) / sh) + 1;
            var wo = ((wd + (2 * pw) - kw) / sw) + 1;
            if (h + (2 * ph) < kh || wd + (2 * pw) < kw)
            {
                throw new ShapeMismatchException("Conv2d", x.Shape, w.Shape,
                    $"the padded input ({h + (2 * ph)}×{wd + (2 * pw)}) is smaller than the kernel ({kh}×{kw})");
            }

            return new Geometry(n, c, h, wd, o, kh, kw, sh, sw, ph, pw, ho, wo);
        }
    }
}
