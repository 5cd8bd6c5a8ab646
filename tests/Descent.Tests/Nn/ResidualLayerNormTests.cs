using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Tests.Nn;

/// <summary>
/// The fused LayerNorm(dropout(x) + residual) against the unfused dropout, addition and LayerNorm: the same dropout
/// mask from the same seed, the output equal bit for bit and the gradients of x, the residual, γ and β equal, over
/// row widths 1…257, dropout on and off, NaN/±Inf/zero inputs.
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

    [Fact]
    public void ResidualOfAnotherShapeIsRejected()
    {
        var norm = new LayerNorm(4);
        var ex = Assert.Throws<ShapeMismatchException>(() => norm.Forward(new Tensor(2, 4), new Tensor(2, 5), path: KernelPath.Simd));
        Assert.Contains("residual", ex.Message, StringComparison.Ordinal);
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
