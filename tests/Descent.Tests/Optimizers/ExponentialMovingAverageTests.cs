using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

public class ExponentialMovingAverageTests
{
    [Fact]
    public void AveragesLikeAveragedModelAndSwapsBackExactly()
    {
        var rng = new Rng(11);
        var w = new Parameter(Tensor.FromArray([1f, 2f, 3f], 3));
        var b = new Parameter(Tensor.FromArray([0.5f], 1));
        var ema = new ExponentialMovingAverage([w, b], decay: 0.9);
        var history = new List<float[]>();
        for (var step = 0; step < 20; step++)
        {
            for (var i = 0; i < 3; i++)
            {
                w[i] += (float)rng.NextNormal();
            }

            b[0] -= 0.1f;
            history.Add([.. w.ToArray(), b[0]]);
            ema.Update();
        }

        // Reference in double: first update copies, then ema = 0.9·ema + 0.1·p.
        var reference = history[0].Select(v => (double)v).ToArray();
        foreach (var h in history.Skip(1))
        {
            for (var i = 0; i < reference.Length; i++)
            {
                reference[i] = (0.9 * reference[i]) + (0.1 * h[i]);
            }
        }

        var shadow = ema.Shadows[0].ToArray().Append(ema.Shadows[1][0]).ToArray();
        for (var i = 0; i < reference.Length; i++)
        {
            Assert.True(Math.Abs(shadow[i] - reference[i]) <= 1e-5 * Math.Max(1, Math.Abs(reference[i])), $"element {i}");
        }

        var trained = w.ToArray();
        using (ema.SwapIn())
        {
            Assert.Equal(ema.Shadows[0].ToArray(), w.ToArray());
            Assert.True(ema.IsSwappedIn);
            Assert.Throws<InvalidOperationException>(ema.Update);
            Assert.Throws<InvalidOperationException>(() => ema.SwapIn());
        }

        Assert.Equal(trained, w.ToArray());
        Assert.False(ema.IsSwappedIn);
        Assert.Equal(20, ema.Updates);
    }

    [Fact]
    public void WarmupLimitsTheDecayEarly()
    {
        var p = new Parameter(1);
        var ema = new ExponentialMovingAverage([p], decay: 0.999, warmup: true);
        ema.Update(); // copies
        Assert.Equal(3.0 / 12.0, ema.CurrentDecay, 15);
        p[0] = 1f;
        ema.Update();
        Assert.Equal(0.75f, ema.Shadows[0][0], 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialMovingAverage([p], decay: 1.5));
    }
}
