using Descent.Nn;
using Descent.Text.Transformers;
using Descent.Tests.Autodiff;

namespace Descent.Tests.Nn;

/// <summary>
/// <see cref="Pooling.MaskedPools"/>: masked mean, masked max and first token of several hidden states, concatenated,
/// against a double-precision reference written out here, with finite-difference gradients; padding holds the largest
/// values, so a max that looked at it would fail, and it must get no gradient.
/// </summary>
public sealed class MaskedPoolsTests
{
    private const int B = 3;
    private const int S = 4;
    private const int H = 3;

    // Sequence 0 is full, 1 has two padded positions, 2 one.
    private static readonly float[] MaskValues = [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0];

    private static Tensor State(Rng rng)
    {
        var t = GradCheck.Input(rng, -1, 1, B, S, H);
        var x = t.Span;
        for (var i = 0; i < B * S; i++)
        {
            if (MaskValues[i] == 0)
            {
                for (var c = 0; c < H; c++)
                {
                    x[(i * H) + c] = 5f + c;
                }
            }
        }

        return t;
    }

    private static double[] Reference(double[][] states, bool mean, bool max, bool first)
    {
        var r = new List<double>();
        for (var b = 0; b < B; b++)
        {
            foreach (var x in states)
            {
                var rows = Enumerable.Range(0, S).Where(s => MaskValues[(b * S) + s] != 0).ToArray();
                if (mean)
                {
                    r.AddRange(Enumerable.Range(0, H).Select(c => rows.Average(s => x[(((b * S) + s) * H) + c])));
                }

                if (max)
                {
                    r.AddRange(Enumerable.Range(0, H).Select(c => rows.Max(s => x[(((b * S) + s) * H) + c])));
                }

                if (first)
                {
                    r.AddRange(Enumerable.Range(0, H).Select(c => x[(b * S * H) + c]));
                }
            }
        }

        return [.. r];
    }

    [Theory]
    [InlineData(true, true, false)]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    [InlineData(true, false, true)]
    public void MatchesReferenceAndGradientsIgnoringPadding(bool mean, bool max, bool first)
    {
        var rng = new Rng(11);
        var mask = Tensor.FromArray(MaskValues, B, S);
        Tensor[] states = [State(rng), State(rng)];
        GradCheck.Assert(t => Pooling.MaskedPools(t, mask, mean, max, first), x => Reference(x, mean, max, first), states);
        foreach (var state in states)
        {
            var grad = state.Grad!.Span;
            for (var i = 0; i < B * S; i++)
            {
                if (MaskValues[i] == 0 && !(first && i % S == 0))
                {
                    Assert.All(grad.Slice(i * H, H).ToArray(), g => Assert.Equal(0f, g));
                }
            }
        }
    }

    [Fact]
    public void LayoutIsStateByStateThenMeanMaxFirstAndChecksShapes()
    {
        var mask = Tensor.FromArray([1, 1, 0], 1, 3);
        var a = Tensor.FromArray([1, 2, 3, 4, 9, 9], 1, 3, 2);
        var b = Tensor.FromArray([-1, 0, -3, 2, 7, 7], 1, 3, 2);
        Assert.Equal([2, 3, 3, 4, 1, 2, -2, 1, -1, 2, -1, 0], Pooling.MaskedPools([a, b], mask, true, true, true).ToArray());
        Assert.Equal([1, 12], Pooling.MaskedPools([a, b], mask, true, true, true).Shape.ToArray());
        Assert.Throws<ShapeMismatchException>(() => Pooling.MaskedPools([a, Tensor.Zeros(1, 2, 2)], mask));
        Assert.Throws<ArgumentException>(() => Pooling.MaskedPools([a], mask, false, false, false));
    }
}
