using Descent.Nn;
using Descent.Tests.Autodiff;

namespace Descent.Tests.Nn;

public class LinearTests
{
    [Fact]
    public void ParametersAreNamedAndShapedLikePyTorch()
    {
        var layer = new Linear(3, 5, new Rng(1));
        var names = layer.NamedParameters().Select(p => (p.Name, p.Parameter.Shape.ToArray())).ToList();
        Assert.Equal(2, names.Count);
        Assert.Equal("weight", names[0].Name);
        Assert.Equal([5, 3], names[0].Item2);
        Assert.Equal("bias", names[1].Name);
        Assert.Equal([5], names[1].Item2);
        Assert.True(layer.Weight.RequiresGrad);

        var noBias = new Linear(3, 5, new Rng(1), bias: false);
        Assert.Null(noBias.Bias);
        Assert.Equal(["weight"], noBias.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void InitializationIsPyTorchsUniformBoundDrawnWeightFirst()
    {
        const int inF = 7, outF = 4;
        var layer = new Linear(inF, outF, new Rng(99));
        var bound = (float)(1.0 / Math.Sqrt(inF));

        // Independent replay of the documented draw order: weight (row-major), then bias.
        var rng = new Rng(99);
        foreach (var t in new Tensor[] { layer.Weight, layer.Bias! })
        {
            for (var i = 0; i < t.Length; i++)
            {
                var expected = (float)(-bound + (((double)bound + bound) * rng.NextDouble()));
                Assert.Equal(expected, t[i]);
                Assert.InRange(t[i], -bound, bound);
            }
        }

        var again = new Linear(inF, outF, new Rng(99));
        Assert.Equal(layer.Weight.ToArray(), again.Weight.ToArray());
        Assert.NotEqual(layer.Weight.ToArray(), new Linear(inF, outF, new Rng(100)).Weight.ToArray());
    }

    [Fact]
    public void ForwardIsXTimesWeightTransposedPlusBias()
    {
        var layer = new Linear(2, 3, new Rng(5));
        layer.Weight.CopyFrom(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 3, 2));
        layer.Bias!.CopyFrom(Tensor.FromArray([0.5f, -1f, 2f]));
        var y = layer.Forward(Tensor.FromArray([1f, -1f, 2f, 0.5f], 2, 2));
        Assert.Equal([2, 3], y.Shape.ToArray());
        Assert.Equal([-0.5f, -2f, 1f, 3.5f, 7f, 15f], y.ToArray());
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var rng = new Rng(3);
        var layer = new Linear(4, 3, rng);
        var x = GradCheck.Input(rng, -1, 1, 5, 4);
        var result = GradCheck.Run(
            t => layer.Forward(t[0]),
            v =>
            {
                var y = new double[15];
                for (var r = 0; r < 5; r++)
                {
                    for (var o = 0; o < 3; o++)
                    {
                        var s = v[2][o];
                        for (var i = 0; i < 4; i++)
                        {
                            s += v[0][(r * 4) + i] * v[1][(o * 4) + i];
                        }

                        y[(r * 3) + o] = s;
                    }
                }

                return y;
            },
            [x, layer.Weight, layer.Bias!]);
        Assert.True(result.Passed, result.Report);
    }

    [Fact]
    public void ShapeMismatchNamesBothShapes()
    {
        var layer = new Linear(3, 4, new Rng(1));
        var ex = Assert.Throws<ShapeMismatchException>(() => layer.Forward(new Tensor(2, 5)));
        Assert.Equal("Linear", ex.Operation);
        Assert.Contains("[2, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RejectsNonPositiveSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(0, 3, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(3, -1, new Rng(1)));
    }
}
