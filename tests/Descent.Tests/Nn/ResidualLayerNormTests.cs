using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Nn;

/// <summary>
/// The fused LayerNorm(dropout(x) + residual) against the unfused dropout, addition and LayerNorm: the same dropout
/// mask from the same seed, the output equal bit for bit and the gradients of x, the residual, γ and β equal, over
/// row widths 1…384 and several blocks of rows, dropout on and off, NaN/±Inf/zero inputs; also with x and the residual
/// one tensor, with gradients that already exist, with only the residual requiring one, and for 1 and 4 workers.
/// </summary>
public sealed class ResidualLayerNormTests
{
    public static TheoryData<int, int, double, bool> Cases() => new()
    {
        { 1, 1, 0, false },
        { 3, 7, 0.1, false },
        { 5, 64, 0, true },
        { 4, 257, 0.3, false },
        { 4, 384, 0.1, true },
        { 2, 16, 1.0, false },
        { 70, 33, 0.1, true }, // two blocks of rows for γ's and β's partial sums, a tail of 1
        { 130, 384, 0.1, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedEqualsReference(int rows, int width, double dropout, bool specials)
    {
        var rng = new Rng((ulong)(rows * 1000 + width));
        var x = Tensor.Normal(rng, 0, 2, rows, width);
        var residual = Tensor.Normal(rng, 1, 1, rows, width);
        var grad = Tensor.Normal(rng, 0, 1, rows, width);
        if (specials)
        {
            x.Span[0] = float.NaN;
            x.Span[width + 1] = float.PositiveInfinity;
            residual.Span[(2 * width) + 2] = float.NegativeInfinity;
            x.Span.Slice(3 * width, width).Clear();
            residual.Span.Slice(3 * width, width).Clear();
        }

        var reference = Run(KernelPath.Reference, x, residual, grad, dropout, rng.NextUInt64(), out var referenceNext);
        var fused = Run(KernelPath.Simd, x, residual, grad, dropout, 0, out var fusedNext, reference.Seed);
        Assert.Equal(reference.Values.Length, fused.Values.Length);
        for (var i = 0; i < reference.Values.Length; i++)
        {
            Assert.Equal(reference.Values[i], fused.Values[i]);
        }

        Assert.Equal(referenceNext, fusedNext);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    public void AliasedInputsAndExistingGradientsEqualTheReference(double dropout)
    {
        var rng = new Rng(17);
        var x = Tensor.Normal(rng, 0, 1, 67, 40);
        var grad = Tensor.Normal(rng, 0, 1, 67, 40);
        foreach (var mode in new[] { "aliased", "existing", "residual only" })
        {
            var reference = RunVariant(KernelPath.Reference, x, grad, dropout, mode);
            var fused = RunVariant(KernelPath.Simd, x, grad, dropout, mode);
            Assert.Equal(reference.Length, fused.Length);
            for (var k = 0; k < reference.Length; k++)
            {
                Assert.Equal(reference[k], fused[k]);
            }
        }
    }

    [Fact]
    public void ResultDoesNotDependOnTheNumberOfWorkers()
    {
        var rng = new Rng(23);
        var x = Tensor.Normal(rng, 0, 2, 200, 48);
        var residual = Tensor.Normal(rng, 1, 1, 200, 48);
        var grad = Tensor.Normal(rng, 0, 1, 200, 48);
        var saved = Descent.Numerics.ParallelRange.MaxWorkers;
        try
        {
            Descent.Numerics.ParallelRange.MaxWorkers = 1;
            var one = Run(KernelPath.Simd, x, residual, grad, 0.1, 5, out _);
            Descent.Numerics.ParallelRange.MaxWorkers = 4;
            var four = Run(KernelPath.Simd, x, residual, grad, 0.1, 5, out _);
            for (var k = 0; k < one.Values.Length; k++)
            {
                Assert.Equal(one.Values[k], four.Values[k]);
            }
        }
        finally
        {
            Descent.Numerics.ParallelRange.MaxWorkers = saved;
        }
    }

    [Fact]
    public void ResidualOfAnotherShapeIsRejected()
    {
        var norm = new LayerNorm(4);
        var ex = Assert.Throws<ShapeMismatchException>(() => norm.Forward(new Tensor(2, 4), new Tensor(2, 5), path: KernelPath.Simd));
        Assert.Contains("residual", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>"aliased": LayerNorm(dropout(x) + x); "existing": x and the residual already hold gradients (the output is
    /// added to both before the backward pass); "residual only": x requires no gradient.</summary>
    private static float[][] RunVariant(KernelPath path, Tensor x0, Tensor grad, double dropout, string mode)
    {
        var width = x0.Shape[^1];
        var norm = new LayerNorm(width, 1e-12);
        Tensor.Normal(new Rng(3), 1, 0.2f, width).Span.CopyTo(norm.Weight!.Span);
        var x = x0.Clone();
        var r = mode == "aliased" ? x : x0.Clone();
        for (var i = 0; i < r.Length; i++)
        {
            r.Span[i] = (r.Span[i] * 0.5f) + 1;
        }

        x.RequiresGrad = mode != "residual only";
        r.RequiresGrad = true;
        var layer = new Dropout(dropout, new Rng(9));
        var y = norm.Forward(x, r, layer, path);
        var root = mode == "existing" ? y + x + r : y;
        root.Backward(grad);
        return mode == "residual only"
            ? [y.ToArray(), r.Grad!.ToArray(), norm.Weight!.Grad!.ToArray(), norm.Bias!.Grad!.ToArray()]
            : [y.ToArray(), x.Grad!.ToArray(), r.Grad!.ToArray(), norm.Weight!.Grad!.ToArray(), norm.Bias!.Grad!.ToArray()];
    }

    private static (float[][] Values, ulong Seed) Run(KernelPath path, Tensor x, Tensor residual, Tensor grad, double dropout, ulong seed, out ulong next, ulong? reuse = null)
    {
        seed = reuse ?? seed;
        var width = x.Shape[^1];
        var norm = new LayerNorm(width, 1e-12);
        var init = new Rng(3);
        Tensor.Normal(init, 1, 0.2f, width).Span.CopyTo(norm.Weight!.Span);
        Tensor.Normal(init, 0, 0.2f, width).Span.CopyTo(norm.Bias!.Span);
        var (lx, lr) = (x.Clone(), residual.Clone());
        lx.RequiresGrad = lr.RequiresGrad = true;
        var layer = new Dropout(dropout, new Rng(seed));
        var y = norm.Forward(lx, lr, layer, path);
        y.Backward(grad);
        next = layer.Rng.NextUInt64();
        return ([y.ToArray(), lx.Grad!.ToArray(), lr.Grad!.ToArray(), norm.Weight!.Grad!.ToArray(), norm.Bias!.Grad!.ToArray()], seed);
    }
}
