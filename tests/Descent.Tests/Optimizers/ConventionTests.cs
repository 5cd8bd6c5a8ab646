using Descent.Nn;
using Descent.Optimizers;
using Descent.Optimizers.Kernels;

namespace Descent.Tests.Optimizers;

/// <summary>
/// The framework conventions exposed as options: Adam's ε placement (PyTorch / Keras "epsilon hat" / Optax
/// eps_root) and SGD's momentum form (PyTorch / Sutskever). Each convention is checked against a double-precision
/// transcription of the other framework's rule, and the documented equivalences are proven: Keras ε̂ is PyTorch
/// with ε = ε̂/√(1 − β₂ᵗ) at every step; the two momentum forms coincide at a constant learning rate and differ
/// once it changes.
/// </summary>
public sealed class ConventionTests
{
    private const int Steps = 12;

    private static float[] Grad(int n, int step, float scale) => KernelTestData.Values(n, 300 + step, specials: false, scale: scale);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EpsilonHatEqualsPyTorchWithPerStepEpsilon(bool decoupled)
    {
        const double epsHat = 1e-4, lr = 0.01, b2 = 0.999;
        var init = KernelTestData.Values(9, 1, specials: false);
        var a = new Parameter(Tensor.FromArray(init, 9));
        var b = new Parameter(Tensor.FromArray(init, 9));
        Optimizer hat, torch;
        Action<int> setTorchEps;
        if (decoupled)
        {
            var h = new AdamW([a], new AdamWOptions { LearningRate = lr, Epsilon = epsHat, EpsilonConvention = AdamEpsilonConvention.EpsilonHat });
            var t = new AdamW([b], new AdamWOptions { LearningRate = lr });
            (hat, torch) = (h, t);
            setTorchEps = step => t.TypedGroups[0].Options = t.TypedGroups[0].Options with { Epsilon = epsHat / Math.Sqrt(1 - Math.Pow(b2, step)) };
        }
        else
        {
            var h = new Adam([a], new AdamOptions { LearningRate = lr, Epsilon = epsHat, EpsilonConvention = AdamEpsilonConvention.EpsilonHat });
            var t = new Adam([b], new AdamOptions { LearningRate = lr });
            (hat, torch) = (h, t);
            setTorchEps = step => t.TypedGroups[0].Options = t.TypedGroups[0].Options with { Epsilon = epsHat / Math.Sqrt(1 - Math.Pow(b2, step)) };
        }

        for (var step = 1; step <= Steps; step++)
        {
            var g = Grad(9, step, 1e-4f);
            a.Grad = Tensor.FromArray(g, 9);
            b.Grad = Tensor.FromArray(g, 9);
            setTorchEps(step);
            hat.Step();
            torch.Step();
            KernelTestData.AssertClose(b.Span, a.Span, 1e-6, 1e-9, $"step {step}");
        }
    }

    [Fact]
    public void EpsilonHatIsKerasRule()
    {
        const double epsHat = 1e-7, lr = 0.01, b1 = 0.9, b2 = 0.999;
        var init = KernelTestData.Values(9, 2, specials: false);
        var p = new Parameter(Tensor.FromArray(init, 9));
        var opt = new Adam([p], new AdamOptions { LearningRate = lr, Epsilon = epsHat, EpsilonConvention = AdamEpsilonConvention.EpsilonHat });
        var pyTorchLike = new Parameter(Tensor.FromArray(init, 9));
        var torch = new Adam([pyTorchLike], new AdamOptions { LearningRate = lr, Epsilon = epsHat });
        var x = init.Select(v => (double)v).ToArray();
        var m = new double[9];
        var v = new double[9];
        var differs = false;
        for (var t = 1; t <= Steps; t++)
        {
            var g = Grad(9, t, 1e-6f);
            p.Grad = Tensor.FromArray(g, 9);
            pyTorchLike.Grad = Tensor.FromArray(g, 9);
            opt.Step();
            torch.Step();
            var alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (var i = 0; i < 9; i++)
            {
                m[i] = (b1 * m[i]) + ((1 - b1) * g[i]);
                v[i] = (b2 * v[i]) + ((1 - b2) * g[i] * g[i]);
                x[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + epsHat);
                differs |= Math.Abs(pyTorchLike.Span[i] - p.Span[i]) > 1e-5 * Math.Abs(x[i]);
            }

            KernelTestData.AssertClose(x.Select(d => (float)d).ToArray(), p.Span, 1e-5, 1e-7, $"step {t}");
        }

        Assert.True(differs, "with gradients of order 1e-6 the ε placement must matter");
    }

    [Fact]
    public void InsideRootIsOptaxEpsRoot()
    {
        const double eps = 1e-10, lr = 0.01, b1 = 0.9, b2 = 0.999;
        var init = KernelTestData.Values(9, 3, specials: false);
        var p = new Parameter(Tensor.FromArray(init, 9));
        var opt = new Adam([p], new AdamOptions { LearningRate = lr, Epsilon = eps, EpsilonConvention = AdamEpsilonConvention.InsideRoot });
        var x = init.Select(v => (double)v).ToArray();
        var m = new double[9];
        var v = new double[9];
        for (var t = 1; t <= Steps; t++)
        {
            var g = Grad(9, t, 1e-5f);
            if (t == 4)
            {
                Array.Clear(g);
            }

            p.Grad = Tensor.FromArray(g, 9);
            opt.Step();
            for (var i = 0; i < 9; i++)
            {
                m[i] = (b1 * m[i]) + ((1 - b1) * g[i]);
                v[i] = (b2 * v[i]) + ((1 - b2) * g[i] * g[i]);
                var mHat = m[i] / (1 - Math.Pow(b1, t));
                var vHat = v[i] / (1 - Math.Pow(b2, t));
                x[i] -= lr * mHat / Math.Sqrt(vHat + eps);
            }

            KernelTestData.AssertClose(x.Select(d => (float)d).ToArray(), p.Span, 1e-5, 1e-7, $"step {t}");
        }
    }

    [Fact]
    public void PyTorchConventionIsTheDefaultAndUnchanged()
    {
        Assert.Equal(AdamEpsilonConvention.PyTorch, new AdamOptions().EpsilonConvention);
        Assert.Equal(AdamEpsilonConvention.PyTorch, new AdamWOptions().EpsilonConvention);
        Assert.Equal(SgdMomentumConvention.PyTorch, new SgdOptions().MomentumConvention);
        var s = new AdamKernel(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false, 3);
        Assert.Equal(0f, s.EpsInsideRoot);
        Assert.Equal(1e-8f, s.Epsilon);
    }

    [Theory]
    [InlineData(false, 0.0, false)]
    [InlineData(true, 0.0, false)]
    [InlineData(false, 0.01, true)]
    [InlineData(true, 0.05, false)]
    public void MomentumFormsCoincideAtConstantLearningRate(bool nesterov, double weightDecay, bool maximize)
    {
        const double lr = 0.05, mu = 0.9;
        var (a, b, torch, sutskever) = Pair(lr, mu, nesterov, weightDecay, maximize);
        for (var step = 1; step <= Steps; step++)
        {
            var g = Grad(11, step, 1f);
            a.Grad = Tensor.FromArray(g, 11);
            b.Grad = Tensor.FromArray(g, 11);
            torch.Step();
            sutskever.Step();
            KernelTestData.AssertClose(a.Span, b.Span, 1e-5, 1e-6, $"p at step {step}");
            var buffer = ((SgdState)torch.GetState(a)!).MomentumBuffer!.Span;
            var velocity = ((SgdState)sutskever.GetState(b)!).MomentumBuffer!.Span;
            var minusLrBuffer = buffer.ToArray().Select(x => (float)(-lr * x)).ToArray();
            KernelTestData.AssertClose(minusLrBuffer, velocity, 1e-5, 1e-7, $"v = −lr·b at step {step}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MomentumFormsDifferWhenTheLearningRateChanges(bool nesterov)
    {
        var (a, b, torch, sutskever) = Pair(0.05, 0.9, nesterov, 0, false);
        var maxRel = 0.0;
        for (var step = 1; step <= Steps; step++)
        {
            if (step == 5)
            {
                torch.Groups[0].LearningRate = 0.005;
                sutskever.Groups[0].LearningRate = 0.005;
            }

            var g = Grad(11, step, 1f);
            a.Grad = Tensor.FromArray(g, 11);
            b.Grad = Tensor.FromArray(g, 11);
            torch.Step();
            sutskever.Step();
            for (var i = 0; i < 11; i++)
            {
                maxRel = Math.Max(maxRel, Math.Abs(a.Span[i] - b.Span[i]) / (Math.Abs(a.Span[i]) + 1e-3));
            }

            if (step < 5)
            {
                KernelTestData.AssertClose(a.Span, b.Span, 1e-5, 1e-6, $"before the change, step {step}");
            }
        }

        Assert.True(maxRel > 1e-3, $"the forms should differ after the learning rate changes (max relative difference {maxRel:E2})");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SutskeverIsKerasRuleUnderAChangingLearningRate(bool nesterov)
    {
        const double mu = 0.9, wd = 0.01;
        var init = KernelTestData.Values(7, 9, specials: false);
        var p = new Parameter(Tensor.FromArray(init, 7));
        var opt = new Sgd([p], new SgdOptions { LearningRate = 0.1, Momentum = mu, Nesterov = nesterov, WeightDecay = wd, MomentumConvention = SgdMomentumConvention.Sutskever });
        var x = init.Select(v => (double)v).ToArray();
        var vel = new double[7];
        for (var t = 1; t <= Steps; t++)
        {
            var lr = 0.1 / t;
            opt.Groups[0].LearningRate = lr;
            var g = Grad(7, t, 1f);
            p.Grad = Tensor.FromArray(g, 7);
            opt.Step();
            for (var i = 0; i < 7; i++)
            {
                var gi = g[i] + (wd * x[i]);
                vel[i] = (mu * vel[i]) - (lr * gi);
                x[i] += nesterov ? (mu * vel[i]) - (lr * gi) : vel[i];
            }

            KernelTestData.AssertClose(x.Select(d => (float)d).ToArray(), p.Span, 1e-5, 1e-6, $"step {t}");
        }
    }

    public static TheoryData<int> AllLengths() => [.. KernelTestData.Lengths()];

    [Theory]
    [MemberData(nameof(AllLengths))]
    public void SutskeverKernelVectorEqualsReference(int n)
    {
        foreach (var s in new SutskeverSgdKernel[] { new(-0.1f, 0.9f, 0f, false, false), new(-0.01f, 0.95f, 0.1f, true, true) })
        {
            var (p1, g, v1) = (KernelTestData.Values(n, 1), KernelTestData.Values(n, 2), KernelTestData.Values(n, 3));
            var (p2, v2) = ((float[])p1.Clone(), (float[])v1.Clone());
            ElementwiseKernel.Reference(s, p1, g, v1);
            ElementwiseKernel.Simd(s, p2, g, v2);
            KernelTestData.AssertSame(p1, p2, "p");
            KernelTestData.AssertSame(v1, v2, "v");
        }
    }

    [Fact]
    public void InvalidConventionsAreRejected()
    {
        var damp = Assert.Throws<ArgumentException>(() => new Sgd([new Parameter(2)], new SgdOptions { Momentum = 0.9, Dampening = 0.1, MomentumConvention = SgdMomentumConvention.Sutskever }));
        Assert.Contains("Dampening", damp.Message, StringComparison.Ordinal);
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptions { EpsilonConvention = (AdamEpsilonConvention)7 });
        Assert.Equal("EpsilonConvention", e1.ParamName);
        Assert.Contains("7", e1.Message, StringComparison.Ordinal);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => new AdamWOptions { EpsilonConvention = (AdamEpsilonConvention)(-1) });
        Assert.Equal("EpsilonConvention", e2.ParamName);
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() => new SgdOptions { MomentumConvention = (SgdMomentumConvention)2 });
        Assert.Equal("MomentumConvention", e3.ParamName);
    }

    private static (Parameter A, Parameter B, Sgd Torch, Sgd Sutskever) Pair(double lr, double mu, bool nesterov, double wd, bool maximize)
    {
        var init = KernelTestData.Values(11, 4, specials: false);
        var a = new Parameter(Tensor.FromArray(init, 11));
        var b = new Parameter(Tensor.FromArray(init, 11));
        var o = new SgdOptions { LearningRate = lr, Momentum = mu, Nesterov = nesterov, WeightDecay = wd, Maximize = maximize };
        return (a, b, new Sgd([a], o), new Sgd([b], o with { MomentumConvention = SgdMomentumConvention.Sutskever }));
    }
}
