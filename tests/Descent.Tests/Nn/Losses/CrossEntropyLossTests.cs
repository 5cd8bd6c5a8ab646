using Descent.Nn.Losses;
using Descent.Tests.Autodiff;

namespace Descent.Tests.Nn.Losses;

public class CrossEntropyLossTests
{
    [Fact]
    public void ValueMatchesHandComputation()
    {
        var logits = Tensor.FromArray([1f, 2f, 3f, 1f, 1f, 1f], 2, 3);

        // row 0: log(e + e² + e³) − 3 = log(1 + e⁻¹ + e⁻²); row 1: log 3.
        var expected = (Math.Log(1 + Math.Exp(-1) + Math.Exp(-2)) + Math.Log(3)) / 2;
        Assert.Equal(expected, new CrossEntropyLoss().Forward(logits, [2, 0]).Item(), 6);
    }

    [Fact]
    public void IsStableForLargeLogits()
    {
        var logits = Tensor.FromArray([1000f, 0f, -1000f, 500f], 2, 2);
        Assert.Equal(0f, new CrossEntropyLoss().Forward(logits, [0, 1]).Item());
        Assert.Equal(1250f, new CrossEntropyLoss().Forward(logits, [1, 0]).Item(), 3); // row 0: 1000; row 1: 1500
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var rng = new Rng(5);
        var logits = GradCheck.Input(rng, -3, 3, 4, 5);
        int[] targets = [3, 0, 4, 1];
        var loss = new CrossEntropyLoss();
        var result = GradCheck.Run(t => loss.Forward(t[0], targets),
            v =>
            {
                var total = 0.0;
                for (var i = 0; i < 4; i++)
                {
                    total -= Reference.LogSoftmax(v[0][(i * 5)..((i * 5) + 5)])[targets[i]];
                }

                return [total / 4];
            },
            [logits]);
        Assert.True(result.Passed, result.Report);
    }

    [Fact]
    public void SpanOverloadGivesSameValue()
    {
        var logits = Tensor.FromArray([0.1f, -0.4f, 2f, 0.3f], 2, 2);
        ReadOnlySpan<int> targets = [1, 0];
        Assert.Equal(new CrossEntropyLoss().Forward(logits, [1, 0]).Item(), new CrossEntropyLoss().Forward(logits, targets).Item());
    }

    [Fact]
    public void OutOfRangeTargetIsNamed()
    {
        var logits = new Tensor(2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Forward(logits, [0, 3]));
        Assert.Contains("targets[1] = 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 3)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Forward(logits, [-1, 0]));
    }

    [Fact]
    public void TargetCountMustMatchRows()
    {
        var ex = Assert.Throws<ShapeMismatchException>(() => new CrossEntropyLoss().Forward(new Tensor(2, 3), [0]));
        Assert.Contains("[2, 3]", ex.Message, StringComparison.Ordinal);
    }
}
