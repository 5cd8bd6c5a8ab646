using Descent.Autodiff;

namespace Descent.Tests.Autodiff;

/// <summary>Tape semantics: accumulation, no-grad scopes, views, broadcasting backward, error messages.</summary>
public class AutodiffBehaviorTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardPassesUntilCleared()
    {
        var x = Tensor.FromArray([1f, 2f, 3f]);
        x.RequiresGrad = true;
        (x * x).Sum().Backward();
        Assert.Equal([2f, 4f, 6f], x.Grad!.ToArray());
        (x * 3f).Sum().Backward();
        Assert.Equal([5f, 7f, 9f], x.Grad!.ToArray());

        x.ZeroGrad();
        Assert.Null(x.Grad);
        (x * x).Sum().Backward();
        Assert.Equal([2f, 4f, 6f], x.Grad!.ToArray());

        x.ZeroGrad(setToNone: false);
        Assert.Equal([0f, 0f, 0f], x.Grad!.ToArray());
    }

    [Fact]
    public void SharedSubexpressionsSumTheirContributions()
    {
        // y = x·x + x·x reuses x four times and the product twice: dy/dx = 4x.
        var x = Tensor.FromArray([1.5f, -2f]);
        x.RequiresGrad = true;
        var p = x * x;
        (p + p).Sum().Backward();
        Assert.Equal([6f, -8f], x.Grad!.ToArray());
    }

    [Fact]
    public void NoGradScopeRecordsNothingAndNests()
    {
        var w = Tensor.FromArray([1f, 2f]);
        w.RequiresGrad = true;
        using (Tape.NoGrad())
        {
            var y = (w * 2f).Sum();
            Assert.False(y.RequiresGrad);
            Assert.Null(y.GradFn);
            using (Tape.NoGrad())
            {
                Assert.False(Tape.IsRecording);
            }

            Assert.False(Tape.IsRecording);
            var ex = Assert.Throws<InvalidOperationException>(() => y.Backward());
            Assert.Contains("does not require a gradient", ex.Message, StringComparison.Ordinal);
        }

        Assert.True(Tape.IsRecording);
        var z = (w * 2f).Sum();
        Assert.True(z.RequiresGrad);
        Assert.Equal("SumBackward", z.GradFn!.Name);
    }

    [Fact]
    public void ConstantsDoNotReceiveGradients()
    {
        var x = Tensor.FromArray([1f, 2f]);
        x.RequiresGrad = true;
        var c = Tensor.FromArray([3f, 4f]);
        (x * c).Sum().Backward();
        Assert.Equal([3f, 4f], x.Grad!.ToArray());
        Assert.Null(c.Grad);
    }

    [Fact]
    public void ReshapeSharesStorageAndInfersMinusOne()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var v = x.Reshape(3, -1);
        Assert.Equal([3, 2], v.Shape.ToArray());
        Assert.Same(x.Buffer, v.Buffer);
        x[0] = 10f;
        Assert.Equal(10f, v[0]);
        Assert.Equal([6], x.Reshape(-1).Shape.ToArray());
        Assert.Equal(0, Tensor.FromArray([7f]).Reshape().Rank);
    }

    [Fact]
    public void ReshapeErrorsNameBothShapes()
    {
        var x = new Tensor(2, 3);
        var ex = Assert.Throws<ShapeMismatchException>(() => x.Reshape(4, 2));
        Assert.Equal("Reshape", ex.Operation);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2]", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => x.Reshape(-1, -1));
        Assert.Throws<ShapeMismatchException>(() => x.Reshape(4, -1));
    }

    [Fact]
    public void ReshapeAndTransposeChainsBackpropagate()
    {
        var rng = new Rng(21);
        var a = GradCheck.Input(rng, -1, 1, 2, 6);
        var b = GradCheck.Input(rng, -1, 1, 3, 4);

        // ((a.reshape(4,3))ᵀ · bᵀ... ) exercised through: c = reshape(a, [4,3]).T() → [3,4]; d = (c * b).T().Reshape(-1)
        var result = GradCheck.Run(
            t => (t[0].Reshape(4, 3).T() * t[1]).T().Reshape(2, -1).Sum(1).Square(),
            x =>
            {
                // c[i, j] = a_flat[j*3 + i]; e = c * b (3×4); f = eᵀ (4×3) flattened to 2×6; row sums squared.
                var f = new double[12];
                for (var i = 0; i < 3; i++)
                {
                    for (var j = 0; j < 4; j++)
                    {
                        f[(j * 3) + i] = x[0][(j * 3) + i] * x[1][(i * 4) + j];
                    }
                }

                var r0 = f[..6].Sum();
                var r1 = f[6..].Sum();
                return [r0 * r0, r1 * r1];
            },
            [a, b]);
        Assert.True(result.Passed, result.Report);
    }

    [Fact]
    public void BroadcastAddWithBothOperandsRequiringGradReducesToEachShape()
    {
        var m = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var row = Tensor.FromArray([10f, 20f, 30f]);
        var col = Tensor.FromArray([100f, 200f], 2, 1);
        m.RequiresGrad = true;
        row.RequiresGrad = true;
        col.RequiresGrad = true;
        var y = (m + row) + col;
        Assert.Equal([111f, 122f, 133f, 214f, 225f, 236f], y.ToArray());
        y.Backward(Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], m.Grad!.ToArray());
        Assert.Equal([5f, 7f, 9f], row.Grad!.ToArray());
        Assert.Equal([6f, 15f], col.Grad!.ToArray());
        Assert.Equal([2, 1], col.Grad!.Shape.ToArray());
    }

    [Fact]
    public void IncompatibleBroadcastNamesOperationAndBothShapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new Tensor(2, 3) + new Tensor(4));
        Assert.Equal("Add", ex.Operation);
        Assert.Equal([2, 3], ex.LeftShape);
        Assert.Equal([4], ex.RightShape);
        Assert.Contains("Add: shapes [2, 3] and [4]", ex.Message, StringComparison.Ordinal);
        Assert.Equal("Mul", Assert.Throws<ShapeMismatchException>(() => new Tensor(3, 2) * new Tensor(3)).Operation);
        Assert.Equal("Sub", Assert.Throws<ShapeMismatchException>(() => new Tensor(3, 2) - new Tensor(2, 2)).Operation);
        Assert.Equal("Div", Assert.Throws<ShapeMismatchException>(() => new Tensor(5) / new Tensor(2)).Operation);
    }

    [Fact]
    public void MatMulShapeMismatchNamesBothShapes()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new Tensor(2, 3).MatMul(new Tensor(4, 5)));
        Assert.Equal("MatMul", ex.Operation);
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 5]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("inner dimensions 3 and 4", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => new Tensor(2, 3, 4).MatMul(new Tensor(3, 4, 5)));
        Assert.Throws<ShapeMismatchException>(() => new Tensor(3).MatMul(new Tensor(3)));
    }

    [Fact]
    public void TransposeNeedsTwoDimensions()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Tensor(2, 3, 4).T());
        Assert.Contains("[2, 3, 4]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackwardWithoutGradientNeedsAScalar()
    {
        var x = Tensor.FromArray([1f, 2f]);
        x.RequiresGrad = true;
        var ex = Assert.Throws<InvalidOperationException>(() => (x * 2f).Backward());
        Assert.Contains("[2]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NonLeafRequiresGradCannotBeTurnedOff()
    {
        var x = Tensor.FromArray([1f]);
        x.RequiresGrad = true;
        var y = x.Exp();
        Assert.False(y.IsLeaf);
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [Fact]
    public void SoftmaxIsStableForLargeInputsAndRowsSumToOne()
    {
        var x = Tensor.FromArray([1000f, 1001f, 1002f, -1000f, 0f, 1000f], 2, 3);
        var s = x.Softmax();
        Assert.All(s.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, s[0] + s[1] + s[2], 6);
        Assert.Equal(1f, s[5], 6);
        var l = x.LogSoftmax();
        Assert.Equal(-2.40760596f, l[0], 5);
        Assert.Equal(-2000f, l[3], 2);
    }

    [Fact]
    public void EmptyTensorsFlowThroughElementwiseOps()
    {
        var x = new Tensor(0, 3);
        x.RequiresGrad = true;
        var y = (x + Tensor.Ones(3)) * 2f;
        Assert.Equal([0, 3], y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Equal(0, x.Grad!.Length);
    }
}
