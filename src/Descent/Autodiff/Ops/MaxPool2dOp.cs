namespace Descent.Autodiff.Ops;

/// <summary>
/// 2-D max pooling of x [N, C, H, W] (as torch.nn.functional.max_pool2d with dilation 1 and floor mode):
/// window kh×kw, stride, implicit −∞ padding; output [N, C, Ho, Wo], Ho = (H + 2·ph − kh) / sh + 1.
/// The gradient goes to the position of each window's maximum (the first one in row-major order on ties;
/// a NaN wins, as in PyTorch).
/// </summary>
internal sealed class MaxPool2dOp : Node
{
    private readonly int[] argmax;

    private MaxPool2dOp(Tensor x, int[] argmax)
        : base(x)
    {
        this.argmax = argmax;
    }

    public override string Name => "MaxPool2DWithIndicesBackward";

    public static Tensor Forward(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4)
        {
            throw new ArgumentException($"MaxPool2d: input must be [N, C, H, W], got shape {ShapeUtil.Format(x.Shape)}", nameof(x));
        }

        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || ph > kh / 2 || pw > kw / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(kh),
                $"MaxPool2d: kernel ({kh}, {kw}) and stride ({sh}, {sw}) must be ≥ 1, padding ({ph}, {pw}) in [0, kernel/2]");
        }

        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        if (h + (2 * ph) < kh || w + (2 * pw) < kw)
        {
            throw new ArgumentException(
                $"MaxPool2d: the padded input {h + (2 * ph)}×{w + (2 * pw)} of shape {ShapeUtil.Format(x.Shape)} is smaller than the kernel {kh}×{kw}",
                nameof(x));
        }

        var ho = ((h + (2 * ph) - kh) / sh) + 1;
        var wo = ((w + (2 * pw) - kw) / sw) + 1;
        var y = new Tensor(n, c, ho, wo);
        var record = Tape.ShouldRecord(x);
        var idx = record ? new int[y.Length] : null;
        var xs = x.Span;
        var ys = y.Span;
        var o = 0;
        for (var plane = 0; plane < n * c; plane++)
        {
            var baseIndex = plane * h * w;
            for (var oi = 0; oi < ho; oi++)
            {
                var i0 = (oi * sh) - ph;
                var iStart = Math.Max(i0, 0);
                var iEnd = Math.Min(i0 + kh, h);
                for (var oj = 0; oj < wo; oj++, o++)
                {
                    var j0 = (oj * sw) - pw;
                    var jStart = Math.Max(j0, 0);
                    var jEnd = Math.Min(j0 + kw, w);
                    var best = float.NegativeInfinity;
                    var bestIndex = baseIndex + (iStart * w) + jStart;
                    for (var i = iStart; i < iEnd; i++)
                    {
                        for (var j = jStart; j < jEnd; j++)
                        {
                            var k = baseIndex + (i * w) + j;
                            var v = xs[k];
                            if (v > best || float.IsNaN(v))
                            {
                                best = v;
                                bestIndex = k;
                                if (float.IsNaN(v))
                                {
                                    goto done;
                                }
                            }
                        }
                    }

                done:
                    ys[o] = best;
                    if (idx is not null)
                    {
                        idx[o] = bestIndex;
                    }
                }
            }
        }

        return record ? Tape.Record(y, new MaxPool2dOp(x, idx!)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        if (!x.RequiresGrad)
        {
            return;
        }

        var dx = GradientScratch.For(x);
        dx.Span.Clear();
        for (var i = 0; i < argmax.Length; i++)
        {
            dx.Span[argmax[i]] += gradOutput[i];
        }

        dx.AccumulateInto(x);
    }
}
