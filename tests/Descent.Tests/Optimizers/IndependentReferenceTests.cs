using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Adafactor and Schedule-Free AdamW against straightforward double-precision re-implementations of the
/// documented rules, on cases the golden file does not cover: factored statistics over every axis arrangement
/// (column axis first, batch axes before/between/after), momentum and weight decay; Schedule-Free with a
/// moving learning rate, warmup and weight decay, and its evaluation weights. Float32 against double over a few
/// steps: rtol 1e-4 / atol 1e-6.
/// </summary>
public sealed class IndependentReferenceTests
{
    public static TheoryData<int[], int, bool, bool, bool> AdafactorCases() => new()
    {
        { [3, 11], 3, false, false, true },
        { [11, 3], 3, true, false, true },
        { [4, 4, 5], 3, false, true, true },
        { [5, 4, 4], 3, true, true, true },
        { [4, 5, 4], 3, false, false, false },
        { [2, 6, 3, 7], 3, true, true, true },
        { [6, 2, 7], 3, false, false, true },
        { [6, 2, 7], 100, true, true, true },
        { [13], 3, false, true, false },
    };

    [Theory]
    [MemberData(nameof(AdafactorCases))]
    public void AdafactorMatchesDoublePrecisionRules(int[] shape, int minDim, bool momentum, bool weightDecay, bool clip)
    {
        var options = new AdafactorOptions
        {
            LearningRate = 0.03,
            MinDimSizeToFactor = minDim,
            Momentum = momentum ? 0.8 : null,
            WeightDecayRate = weightDecay ? 0.05 : null,
            ClippingThreshold = clip ? 0.5 : null,
            DecayOffset = 0,
        };
        var n = shape.Aggregate(1, (a, b) => a * b);
        var init = KernelTestData.Values(n, 7, specials: false, scale: 0.2f);
        var p = new Parameter(Tensor.FromArray(init, shape));
        var opt = new Adafactor([p], options);
        var naive = new NaiveAdafactor(shape, init, options);
        for (var step = 1; step <= 6; step++)
        {
            var g = KernelTestData.Values(n, 40 + step, specials: false, scale: step == 3 ? 50f : 1f);
            if (step == 4)
            {
                Array.Clear(g, 0, Math.Min(3, n));
            }

            p.Grad = Tensor.FromArray(g, shape);
            opt.Step();
            naive.Step(g, step);
            KernelTestData.AssertClose(naive.P.Select(x => (float)x).ToArray(), p.Span, 1e-4, 1e-6, $"step {step}");
        }
    }

    [Theory]
    [InlineData(null, 0.0)]
    [InlineData(3, 0.0)]
    [InlineData(null, 0.1)]
    [InlineData(5, 0.05)]
    public void ScheduleFreeAdamWMatchesThePaperFormulation(int? warmup, double weightDecay)
    {
        const double lr = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        int[] shape = [4, 3];
        var init = KernelTestData.Values(12, 3, specials: false);
        var p = new Parameter(Tensor.FromArray(init, shape));
        var opt = new ScheduleFreeAdamW([p], new ScheduleFreeAdamWOptions { LearningRate = lr, WarmupSteps = warmup, WeightDecay = weightDecay });
        var y = init.Select(v => (double)v).ToArray();
        var x = (double[])y.Clone();
        var z = (double[])y.Clone();
        var v = new double[12];
        double weightSum = 0, lrMax = 0;
        for (var t = 1; t <= 20; t++)
        {
            var g = KernelTestData.Values(12, 50 + t, specials: false);
            p.Grad = Tensor.FromArray(g, shape);
            opt.Step();

            double Warm(int c) => warmup is null ? lr : warmup == 0 ? 0 : lr * Math.Min(c, warmup.Value) / warmup.Value;
            lrMax = Math.Max(lrMax, Warm(t));
            var w = lrMax * lrMax;
            weightSum += w;
            var ck = weightSum == 0 ? 0 : w / weightSum;
            for (var i = 0; i < 12; i++)
            {
                v[i] = (b2 * v[i]) + ((1 - b2) * g[i] * g[i]);
                var vhat = v[i] / (1 - Math.Pow(b2, t));
                z[i] -= Warm(t - 1) * ((g[i] / (Math.Sqrt(vhat) + eps)) + (weightDecay * y[i]));
                x[i] = ((1 - ck) * x[i]) + (ck * z[i]);
                y[i] = (b1 * x[i]) + ((1 - b1) * z[i]);
            }

            KernelTestData.AssertClose(y.Select(d => (float)d).ToArray(), p.Span, 1e-4, 1e-6, $"y at step {t}");
            KernelTestData.AssertClose(x.Select(d => (float)d).ToArray(), opt.EvaluationWeights(p).Span, 1e-4, 1e-5, $"x at step {t}");
        }
    }

    [Fact]
    public void ScheduleFreeEvaluationWeightsOfAnUnsteppedParameterAreItsValues()
    {
        var p = new Parameter(Tensor.FromArray([1f, -2f, 3f], 3));
        var opt = new ScheduleFreeAdamW([p]);
        Assert.Equal([1f, -2f, 3f], opt.EvaluationWeights(p).ToArray());
        Assert.Throws<ArgumentException>(() => opt.EvaluationWeights(new Parameter(3)));
    }

    /// <summary>Adafactor by the book, in double, with explicit multi-indices.</summary>
    private sealed class NaiveAdafactor
    {
        private readonly int[] shape;
        private readonly AdafactorOptions o;
        private readonly int d1 = -1;
        private readonly int d0 = -1;
        private readonly double[] v;
        private readonly double[] vr;
        private readonly double[] vc;
        private readonly double[] m;

        public NaiveAdafactor(int[] shape, float[] init, AdafactorOptions options)
        {
            this.shape = shape;
            o = options;
            P = init.Select(x => (double)x).ToArray();
            m = new double[P.Length];
            v = new double[P.Length];
            if (shape.Length >= 2)
            {
                var order = Enumerable.Range(0, shape.Length).OrderBy(k => shape[k]).ThenBy(k => k).ToArray();
                if (shape[order[^2]] >= options.MinDimSizeToFactor)
                {
                    (d1, d0) = (order[^2], order[^1]);
                }
            }

            vr = new double[P.Length];
            vc = new double[P.Length];
        }

        public double[] P { get; }

        public void Step(float[] g, int t)
        {
            var n = P.Length;
            var decay = 1 - Math.Pow(t - o.DecayOffset, -o.DecayRate);
            var u = new double[n];
            if (d0 >= 0)
            {
                var rowSum = new double[n];
                var colSum = new double[n];
                for (var i = 0; i < n; i++)
                {
                    var idx = Unravel(i);
                    var x = ((double)g[i] * g[i]) + o.Epsilon;
                    rowSum[Key(idx, d0)] += x;
                    colSum[Key(idx, d1)] += x;
                }

                var seenRow = new bool[n];
                var seenCol = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    var idx = Unravel(i);
                    var r = Key(idx, d0);
                    var c = Key(idx, d1);
                    if (!seenRow[r])
                    {
                        seenRow[r] = true;
                        vr[r] = (decay * vr[r]) + ((1 - decay) * rowSum[r] / shape[d0]);
                    }

                    if (!seenCol[c])
                    {
                        seenCol[c] = true;
                        vc[c] = (decay * vc[c]) + ((1 - decay) * colSum[c] / shape[d1]);
                    }
                }

                var rowMeanSum = new double[n];
                var counted = new bool[n];
                for (var i = 0; i < n; i++)
                {
                    var idx = Unravel(i);
                    var r = Key(idx, d0);
                    if (!counted[r])
                    {
                        counted[r] = true;
                        rowMeanSum[Key(idx, d0, d1)] += vr[r];
                    }
                }

                for (var i = 0; i < n; i++)
                {
                    var idx = Unravel(i);
                    var rcm = rowMeanSum[Key(idx, d0, d1)] / shape[d1];
                    u[i] = g[i] / Math.Sqrt(vr[Key(idx, d0)] / rcm) / Math.Sqrt(vc[Key(idx, d1)]);
                }
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    v[i] = (decay * v[i]) + ((1 - decay) * (((double)g[i] * g[i]) + o.Epsilon));
                    u[i] = g[i] / Math.Sqrt(v[i]);
                }
            }

            var rmsU = Math.Sqrt(u.Sum(a => a * a) / n);
            var clip = o.ClippingThreshold is { } th ? Math.Max(1, rmsU / th) : 1;
            var rmsP = Math.Sqrt(P.Sum(a => a * a) / n);
            var scale = o.MultiplyByParameterScale ? Math.Max(rmsP, 1e-3) : 1;
            for (var i = 0; i < n; i++)
            {
                var ui = u[i] / clip * o.LearningRate * scale;
                if (o.Momentum is { } mu)
                {
                    m[i] = ((1 - mu) * ui) + (mu * m[i]);
                    ui = m[i];
                }

                if (o.WeightDecayRate is { } wd)
                {
                    ui += wd * P[i];
                }

                P[i] -= ui;
            }
        }

        private int[] Unravel(int flat)
        {
            var idx = new int[shape.Length];
            for (var k = shape.Length - 1; k >= 0; k--)
            {
                idx[k] = flat % shape[k];
                flat /= shape[k];
            }

            return idx;
        }

        /// <summary>Row-major index of <paramref name="idx"/> over the shape without the dropped axes.</summary>
        private int Key(int[] idx, params int[] drop)
        {
            var key = 0;
            for (var k = 0; k < shape.Length; k++)
            {
                if (!drop.Contains(k))
                {
                    key = (key * shape[k]) + idx[k];
                }
            }

            return key;
        }
    }
}
