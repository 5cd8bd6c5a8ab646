using Descent.Autodiff.Ops;

namespace Descent.Tests.Autodiff;

/// <summary>GELU's fast (Vector512, float erf) kernels against the double-precision reference kernels.</summary>
public class GeluKernelParityTests
{
    private static float[] Values(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = (float)((rng.NextDouble() * 14) - 7);
        }

        return x;
    }

    private static void AssertClose(float expected, float actual, string where)
    {
        if (float.IsNaN(expected))
        {
            Assert.True(float.IsNaN(actual), $"{where}: expected NaN, got {actual}");
            return;
        }

        if (float.IsInfinity(expected))
        {
            Assert.Equal(expected, actual);
            return;
        }

        Assert.True(Math.Abs(actual - expected) <= 1e-6 + (1e-6 * Math.Abs(expected)), $"{where}: {actual} vs {expected}");
    }

    [Fact]
    public void ForwardMatchesReferenceForLengths0To257()
    {
        for (var n = 0; n <= 257; n++)
        {
            var x = Values(n, (ulong)n);
            var fast = new float[n];
            var reference = new float[n];
            GeluOp.ForwardSimd(x, fast);
            GeluOp.ForwardReference(x, reference);
            for (var i = 0; i < n; i++)
            {
                AssertClose(reference[i], fast[i], $"n={n} i={i} x={x[i]}");
            }
        }
    }

    [Fact]
    public void BackwardMatchesReferenceForLengths0To257()
    {
        for (var n = 0; n <= 257; n++)
        {
            var x = Values(n, (ulong)n + 1000);
            var g = Values(n, (ulong)n + 2000);
            var fast = new float[n];
            var reference = new float[n];
            GeluOp.BackwardSimd(x, g, fast);
            GeluOp.BackwardReference(x, g, reference);
            for (var i = 0; i < n; i++)
            {
                AssertClose(reference[i], fast[i], $"n={n} i={i} x={x[i]}");
            }
        }
    }

    [Fact]
    public void SpecialValuesMatchReference()
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1e-30f, -1e-30f, 30f, -30f, 1e30f, -1e30f, 3.4e38f, -3.4e38f];
        var x = Enumerable.Range(0, 32).Select(i => specials[i % specials.Length]).ToArray();
        var g = Enumerable.Repeat(1.5f, x.Length).ToArray();
        var fast = new float[x.Length];
        var reference = new float[x.Length];
        GeluOp.ForwardSimd(x, fast);
        GeluOp.ForwardReference(x, reference);
        for (var i = 0; i < x.Length; i++)
        {
            AssertClose(reference[i], fast[i], $"forward x={x[i]}");
        }

        GeluOp.BackwardSimd(x, g, fast);
        GeluOp.BackwardReference(x, g, reference);
        for (var i = 0; i < x.Length; i++)
        {
            AssertClose(reference[i], fast[i], $"backward x={x[i]}");
        }
    }

    [Fact]
    public void ForwardInPlaceEqualsOutOfPlace()
    {
        var x = Values(100, 7);
        var expected = new float[x.Length];
        GeluOp.ForwardSimd(x, expected);
        GeluOp.ForwardSimd(x, x);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void LargeTensorUsesTheSameKernelAcrossChunks()
    {
        // Above the parallel threshold the range is split across workers; the result must equal one sequential pass.
        var x = Values(200_003, 11);
        var sequential = new float[x.Length];
        GeluOp.ForwardSimd(x, sequential);
        var parallel = new float[x.Length];
        default(GeluOp).Forward(x, parallel);
        Assert.Equal(sequential, parallel);
    }
}
