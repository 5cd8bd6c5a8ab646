namespace Descent.Tests.Autodiff;

/// <summary>Permute: values against an index-by-index reference, and finite-difference gradients.</summary>
public sealed class PermuteOpTests
{
    public static TheoryData<int[], int[]> Cases => new()
    {
        { [2, 3], [1, 0] },
        { [2, 3, 4], [0, 2, 1] },
        { [2, 3, 4, 5], [0, 2, 1, 3] },
        { [2, 3, 4, 5], [0, 2, 3, 1] },
        { [3, 1, 2], [2, 0, 1] },
        { [4], [0] },
        { [2, 0, 3], [2, 1, 0] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReferenceAndGradientChecks(int[] shape, int[] axes)
    {
        var rng = new Rng(11);
        GradCheck.Assert(t => t[0].Permute(axes), x => Reference(x[0], shape, axes), GradCheck.Input(rng, -1, 1, shape));
    }

    [Fact]
    public void RejectsBadAxes()
    {
        var t = new Tensor(2, 3);
        Assert.Throws<ArgumentException>(() => t.Permute(0, 0));
        Assert.Throws<ArgumentException>(() => t.Permute(0));
        Assert.Equal([3, 2], t.Permute(-1, 0).Shape.ToArray());
    }

    private static double[] Reference(double[] x, int[] shape, int[] axes)
    {
        var rank = shape.Length;
        var outShape = axes.Select(a => shape[a]).ToArray();
        var result = new double[x.Length];
        var idx = new int[rank];
        for (var o = 0; o < result.Length; o++)
        {
            var rem = o;
            for (var d = rank - 1; d >= 0; d--)
            {
                idx[d] = rem % outShape[d];
                rem /= outShape[d];
            }

            var src = 0;
            for (var d = 0; d < rank; d++)
            {
                var srcIndex = 0;
                for (var i = 0; i < rank; i++)
                {
                    if (axes[i] == d)
                    {
                        srcIndex = idx[i];
                    }
                }

                src = (src * shape[d]) + srcIndex;
            }

            result[o] = x[src];
        }

        return result;
    }
}
