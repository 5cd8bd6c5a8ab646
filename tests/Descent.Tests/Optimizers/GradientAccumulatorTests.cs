using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;

namespace Descent.Tests.Optimizers;

/// <summary>Accumulated micro-batch gradients equal the full-batch gradient of the mean loss.</summary>
public class GradientAccumulatorTests
{
    [Fact]
    public void UnequalMicroBatchesGiveTheFullBatchGradient()
    {
        var (x, y) = Data(10);
        var model = new Linear(3, 2, new Rng(4));
        var mse = new MseLoss();
        mse.Forward(model.Forward(Rows(x, 0, 10)), Rows(y, 0, 10)).Backward();
        var full = model.Parameters().Select(p => p.Grad!.ToArray()).ToList();
        model.ZeroGrad();

        var opt = new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.1 });
        var acc = new GradientAccumulator(opt, 3);
        foreach (var (start, count) in new[] { (0, 4), (4, 4), (8, 2) })
        {
            Assert.False(acc.IsReady);
            acc.Backward(mse.Forward(model.Forward(Rows(x, start, count)), Rows(y, start, count)), count, 10);
        }

        Assert.True(acc.IsReady);
        var accumulated = model.Parameters().Select(p => p.Grad!.ToArray()).ToList();
        for (var k = 0; k < full.Count; k++)
        {
            for (var i = 0; i < full[k].Length; i++)
            {
                Assert.True(Math.Abs(full[k][i] - accumulated[k][i]) <= 1e-6 + (1e-5 * Math.Abs(full[k][i])), $"param {k}[{i}]");
            }
        }

        var before = model.Weight.ToArray();
        Assert.True(acc.Step());
        Assert.Equal(0, acc.Pending);
        Assert.Null(model.Weight.Grad);
        for (var i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i] - (0.1f * accumulated[0][i]), model.Weight[i], 6);
        }

        Assert.False(acc.Step());
        Assert.False(acc.Flush());
    }

    [Fact]
    public void EqualMicroBatchesScaleByOneOverK()
    {
        var (x, y) = Data(8);
        var model = new Linear(3, 2, new Rng(5));
        var mse = new MseLoss();
        mse.Forward(model.Forward(x), y).Backward();
        var full = model.Weight.Grad!.ToArray();
        model.ZeroGrad();
        var acc = new GradientAccumulator(new Sgd(model.Parameters(), new SgdOptions { LearningRate = 0.1 }), 4);
        for (var m = 0; m < 4; m++)
        {
            acc.Backward(mse.Forward(model.Forward(Rows(x, 2 * m, 2)), Rows(y, 2 * m, 2)));
        }

        for (var i = 0; i < full.Length; i++)
        {
            Assert.True(Math.Abs(full[i] - model.Weight.Grad![i]) <= 1e-6 + (1e-5 * Math.Abs(full[i])));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientAccumulator(acc.Optimizer, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => acc.Backward(Tensor.Zeros(), 5, 4));
    }

    private static (Tensor X, Tensor Y) Data(int n)
    {
        var rng = new Rng(9);
        var x = new Tensor(n, 3);
        var y = new Tensor(n, 2);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)rng.NextNormal();
        }

        for (var i = 0; i < y.Length; i++)
        {
            y[i] = (float)rng.NextNormal();
        }

        return (x, y);
    }

    private static Tensor Rows(Tensor t, int start, int count)
    {
        var cols = t.Dim(1);
        return Tensor.FromArray(t.Span.Slice(start * cols, count * cols), count, cols);
    }
}
