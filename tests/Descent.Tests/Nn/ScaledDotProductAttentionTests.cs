using Descent.Autodiff;
using Descent.Nn;
using Descent.Numerics;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Nn;

/// <summary>
/// The fused attention kernel against the unfused reference (reshape, permute, batched matmul, softmax, dropout):
/// outputs and the gradients of query, key and value, over shapes with odd lengths, lengths that are not a multiple of
/// the key tile, head sizes that are not a multiple of the SIMD width, padding masks (including a fully padded
/// sequence), dropout on and off (same seed: the same probabilities dropped, the generator left in the same state),
/// NaN inputs, and the workspace.
/// </summary>
public sealed class ScaledDotProductAttentionTests
{
    public static TheoryData<int, int, int, int, bool, double> Cases() => new()
    {
        { 1, 1, 1, 1, false, 0 },
        { 2, 5, 2, 4, true, 0 },
        { 2, 5, 2, 4, true, 0.3 },
        { 3, 13, 4, 3, true, 0.1 },
        { 2, 64, 2, 8, false, 0 },
        { 2, 70, 3, 8, true, 0.1 },
        { 1, 129, 1, 17, true, 0 },
        { 2, 128, 2, 32, true, 0.1 },
        { 1, 257, 2, 16, false, 0.5 },
        { 2, 7, 1, 9, false, 1.0 },
        { 3, 16, 2, 16, false, 0.1 },
        { 2, 100, 3, 48, true, 0.2 },
        { 1, 65, 2, 64, true, 0.1 },
        { 1, 144, 2, 32, true, 0.1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedMatchesReferenceForwardAndGradients(int batch, int length, int heads, int headSize, bool mask, double dropout)
    {
        var (q, k, v, bias, grad) = Inputs(batch, length, heads, headSize, mask, seed: (ulong)(batch + length + heads + headSize));
        var reference = Run(KernelPath.Reference, q, k, v, heads, bias, dropout, grad, out var referenceNext);
        var fused = Run(KernelPath.Simd, q, k, v, heads, bias, dropout, grad, out var fusedNext);
        var closeness = new Closeness(2e-4, 2e-5);
        string[] names = ["output", "dQ", "dK", "dV"];
        for (var i = 0; i < names.Length; i++)
        {
            closeness.Check(fused[i], reference[i].Select(x => (double)x).ToArray(), names[i]);
        }

        Assert.Equal(referenceNext, fusedNext);
    }

    [Fact]
    public void FullyPaddedSequenceAndNaNPropagateAsInTheReference()
    {
        var (q, k, v, bias, grad) = Inputs(2, 9, 2, 4, mask: true, seed: 5);
        bias.Span[..9].Fill(BertMaskedBias); // sequence 0: every key padded
        q.Span[(9 * 8) + 3] = float.NaN; // sequence 1, row 0: NaN query
        var reference = Run(KernelPath.Reference, q, k, v, 2, bias, 0, grad, out _);
        var fused = Run(KernelPath.Simd, q, k, v, 2, bias, 0, grad, out _);
        var closeness = new Closeness(2e-4, 2e-5);
        closeness.Check(fused[0], reference[0].Select(x => (double)x).ToArray(), "output");
        Assert.Contains(fused[0], float.IsNaN);
    }

    [Fact]
    public void OneTensorAsQueryKeyAndValueGetsTheSumOfItsThreeGradients()
    {
        var (x, _, _, bias, grad) = Inputs(2, 37, 3, 8, mask: true, seed: 21);
        float[][] Gradient(KernelPath path)
        {
            var lx = x.Clone();
            lx.RequiresGrad = true;
            var y = ScaledDotProductAttention.Forward(lx, lx, lx, 3, bias, new Dropout(0.2, new Rng(4)), path);
            y.Backward(grad);
            return [y.ToArray(), lx.Grad!.ToArray()];
        }

        var reference = Gradient(KernelPath.Reference);
        var fused = Gradient(KernelPath.Simd);
        var closeness = new Closeness(2e-4, 2e-5);
        closeness.Check(fused[0], reference[0].Select(v => (double)v).ToArray(), "output");
        closeness.Check(fused[1], reference[1].Select(v => (double)v).ToArray(), "dX");
    }

    [Fact]
    public void GradientsAddToExistingOnesAndSkipInputsWithoutGradient()
    {
        var (q, k, v, bias, grad) = Inputs(2, 50, 2, 16, mask: true, seed: 23);
        float[][] Twice(KernelPath path)
        {
            var (lq, lk, lv) = (q.Clone(), k.Clone(), v.Clone());
            lq.RequiresGrad = lv.RequiresGrad = true; // the key takes no gradient
            for (var pass = 0; pass < 2; pass++)
            {
                ScaledDotProductAttention.Forward(lq, lk, lv, 2, bias, null, path).Backward(grad);
            }

            Assert.Null(lk.Grad);
            return [lq.Grad!.ToArray(), lv.Grad!.ToArray()];
        }

        var reference = Twice(KernelPath.Reference);
        var fused = Twice(KernelPath.Simd);
        var closeness = new Closeness(2e-4, 2e-5);
        closeness.Check(fused[0], reference[0].Select(x => (double)x).ToArray(), "dQ after two passes");
        closeness.Check(fused[1], reference[1].Select(x => (double)x).ToArray(), "dV after two passes");
    }

    [Fact]
    public void ResultDoesNotDependOnTheNumberOfWorkers()
    {
        var (q, k, v, bias, grad) = Inputs(3, 40, 4, 8, mask: true, seed: 9);
        var saved = ParallelRange.MaxWorkers;
        try
        {
            ParallelRange.MaxWorkers = 1;
            var one = Run(KernelPath.Simd, q, k, v, 4, bias, 0.2, grad, out _);
            ParallelRange.MaxWorkers = 4;
            var many = Run(KernelPath.Simd, q, k, v, 4, bias, 0.2, grad, out _);
            Assert.Equal(one, many);
        }
        finally
        {
            ParallelRange.MaxWorkers = saved;
        }
    }

    [Fact]
    public void RecycledWorkspaceStorageGivesTheSameResult()
    {
        var (q, k, v, bias, grad) = Inputs(2, 33, 2, 8, mask: true, seed: 11);
        var expected = Run(KernelPath.Simd, q, k, v, 2, bias, 0.1, grad, out _);
        var workspace = new Workspace();
        using (workspace.Begin())
        {
            Run(KernelPath.Simd, q, k, v, 2, bias, 0.1, grad, out _);
        }

        using (workspace.Begin())
        {
            Assert.Equal(expected, Run(KernelPath.Simd, q, k, v, 2, bias, 0.1, grad, out _));
        }
    }

    [Fact]
    public void BadShapesAreRejectedWithTheCulprit()
    {
        var q = new Tensor(2, 5, 8);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ScaledDotProductAttention.Forward(q, q, q, 3, path: KernelPath.Simd));
        Assert.Contains("divide the width 8", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ShapeMismatchException>(() => ScaledDotProductAttention.Forward(q, new Tensor(2, 6, 8), q, 2, path: KernelPath.Simd));
        var bad = Assert.Throws<ShapeMismatchException>(() => ScaledDotProductAttention.Forward(q, q, q, 2, new Tensor(2, 1, 1, 4), path: KernelPath.Simd));
        Assert.Contains("mask bias", bad.Message, StringComparison.Ordinal);
    }

    private const float BertMaskedBias = -10000f;

    private static (Tensor Q, Tensor K, Tensor V, Tensor Bias, Tensor Grad) Inputs(int batch, int length, int heads, int headSize, bool mask, ulong seed)
    {
        var rng = new Rng(seed);
        var width = heads * headSize;
        var q = Tensor.Normal(rng, 0, 1, batch, length, width);
        var k = Tensor.Normal(rng, 0, 1, batch, length, width);
        var v = Tensor.Normal(rng, 0, 1, batch, length, width);
        var bias = new Tensor(batch, 1, 1, length);
        if (mask)
        {
            for (var b = 0; b < batch; b++)
            {
                var real = Math.Max(1, length - (b * 3) - 1);
                bias.Span.Slice((b * length) + real, length - real).Fill(BertMaskedBias);
            }
        }

        var grad = Tensor.Normal(rng, 0, 1, batch, length, width);
        return (q, k, v, bias, grad);
    }

    /// <summary>Output, dQ, dK, dV of one path; <paramref name="next"/> is the dropout generator's next draw afterwards.</summary>
    private static float[][] Run(KernelPath path, Tensor q, Tensor k, Tensor v, int heads, Tensor bias, double dropout, Tensor grad, out ulong next)
    {
        var (lq, lk, lv) = (q.Clone(), k.Clone(), v.Clone());
        lq.RequiresGrad = lk.RequiresGrad = lv.RequiresGrad = true;
        var layer = new Dropout(dropout, new Rng(77));
        var y = ScaledDotProductAttention.Forward(lq, lk, lv, heads, bias, dropout > 0 ? layer : null, path);
        y.Backward(grad);
        next = layer.Rng.NextUInt64();
        return [y.ToArray(), lq.Grad!.ToArray(), lk.Grad!.ToArray(), lv.Grad!.ToArray()];
    }
}
