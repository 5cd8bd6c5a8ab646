using Descent.Optimizers;

namespace Descent.Autodiff.Ops;

/// <summary>
/// Layer normalization over the last dimensions (torch.nn.functional.layer_norm): each row of D values
/// (D = product of the normalized shape) becomes (x − μ) / √(σ² + ε) · γ + β with the row's mean and
/// biased variance; γ and β have the normalized shape (or are absent).
/// </summary>
/// <remarks>Backward per row, x̂ the normalized row and h = g·γ:
/// dx = (h − mean(h) − x̂ · mean(h·x̂)) / √(σ² + ε); dγ = Σ_rows g·x̂; dβ = Σ_rows g.
/// Statistics are accumulated in double precision; the rows run on <see cref="LayerNormKernel"/> (vectorized, split across
/// the cores; a scalar reference with the same bits).</remarks>
internal sealed class LayerNormOp : NormalizationOp
{
    private readonly bool simd;

    private LayerNormOp(Tensor x, Tensor? weight, Tensor? bias, float[] mean, float[] invStd, bool simd)
        : base(x, weight, bias, mean, invStd)
    {
        this.simd = simd;
    }

    public override string Name => "NativeLayerNormBackward";

    /// <summary>LayerNorm of <paramref name="x"/> over its last dimensions (<paramref name="normalizedShape"/>);
    /// <paramref name="path"/> <see cref="KernelPath.Reference"/> runs the scalar reference row kernels (the same bits).</summary>
    public static Tensor Forward(Tensor x, ReadOnlySpan<int> normalizedShape, Tensor? weight, Tensor? bias, double eps,
        KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(x);
        var k = normalizedShape.Length;
        if (k == 0 || x.Rank < k || !x.Shape[(x.Rank - k)..].SequenceEqual(normalizedShape))
        {
            throw new ShapeMismatchException("LayerNorm", x.Shape, normalizedShape,
                "the input's last dimensions must equal the normalized shape");
        }

        foreach (var (t, name) in new[] { (weight, "weight"), (bias, "bias") })
        {
            if (t is not null && !t.Shape.SequenceEqual(normalizedShape))
            {
                throw new ShapeMismatchException("LayerNorm", normalizedShape, t.Shape, $"{name} must have the normalized shape");
            }
        }

        var d = ShapeUtil.Count(normalizedShape);
        var rows = d == 0 ? 0 : x.Length / d;
        var y = Tensor.Output(x.Shape);
        var mu = Workspace.SavedFloats(rows);
        var inv = Workspace.SavedFloats(rows);
        var simd = path != KernelPath.Reference;
        unsafe
        {
            fixed (float* px = x.Span, py = y.Span, pw = weight is null ? default : weight.Span, pb = bias is null ? default : bias.Span)
            fixed (float* pm = mu, pi = inv)
            {
                LayerNormKernel.Forward(px, null, null, 0, 1f, pw, pb, rows, d, eps, py, pm, pi, simd);
            }
        }

        return ShouldRecord(x, weight, bias) ? Tape.Record(y, new LayerNormOp(x, weight, bias, mu, inv, simd)) : y;
    }

    protected internal override void Backward(Tensor output, ReadOnlySpan<float> gradOutput)
    {
        var x = Inputs[0];
        var rows = Mean.Length;
        var d = rows == 0 ? 0 : x.Length / rows;
        BackwardRows(null, null, 0f, gradOutput, rows, d, simd);
    }
}
