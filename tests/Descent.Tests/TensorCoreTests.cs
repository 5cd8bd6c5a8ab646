using Descent.Nn;

namespace Descent.Tests;

public class TensorCoreTests
{
    [Fact]
    public void TanhBackwardMatchesDerivative()
    {
        var x = Tensor.FromArray([0.5f, -1f, 2f]);
        x.RequiresGrad = true;
        var y = x.Tanh();
        y.Backward(Tensor.Ones(3));
        for (var i = 0; i < 3; i++)
        {
            var t = MathF.Tanh(x[i]);
            Assert.Equal(1 - (t * t), x.Grad![i], 6);
        }
    }

    [Fact]
    public void ViewMustFitBuffer()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor(new float[4], 2, [3]));
        Assert.Contains("does not fit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SequentialNamesFollowPyTorch()
    {
        var s = new Sequential(new Sequential(), new Sequential());
        Assert.Equal(["", "0", "1"], s.NamedModules().Select(m => m.Name));
    }

    [Fact]
    public void RngIsDeterministicPerSeed()
    {
        var a = new Rng(42);
        var b = new Rng(42);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }

        var c = new Rng(43);
        Assert.NotEqual(new Rng(42).NextUInt64(), c.NextUInt64());
    }
}
