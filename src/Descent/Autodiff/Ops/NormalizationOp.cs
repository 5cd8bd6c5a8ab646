using System.Buffers;

namespace Descent.Autodiff.Ops;

/// <summary>
/// What the normalization ops (<see cref="BatchNormOp"/>, <see cref="LayerNormOp"/>) share: the node's inputs are x
/// followed by the optional affine weight γ and bias β, the forward pass saves the mean and 1/√(σ² + ε) of each
/// normalized group, and the backward pass ends by adding dx, dγ and dβ (computed in double, rounded once).
/// </summary>
internal abstract class NormalizationOp : Node
{
    private readonly bool hasWeight;
    private readonly bool hasBias;
    private readonly int affineAt;

    protected NormalizationOp(Tensor x, Tensor? weight, Tensor? bias, float[] mean, float[] invStd)
        : this([x], weight, bias, mean, invStd)
    {
    }

    /// <summary>A node whose inputs are <paramref name="leading"/> (x first) followed by γ and β where present.</summary>
    protected NormalizationOp(Tensor[] leading, Tensor? weight, Tensor? bias, float[] mean, float[] invStd)
        : base(InputsOf(leading, weight, bias))
    {
        affineAt = leading.Length;
        hasWeight = weight is not null;
        hasBias = bias is not null;
        Mean = mean;
        InvStd = invStd;
    }

    /// <summary>The saved mean of each normalized group.</summary>
    protected float[] Mean { get; }

    /// <summary>The saved 1/√(σ² + ε) of each normalized group.</summary>
    protected float[] InvStd { get; }

    /// <summary>γ, or null when the op has none.</summary>
    protected Tensor? Weight => hasWeight ? Inputs[affineAt] : null;

    /// <summary>β, or null when the op has none.</summary>
    protected Tensor? Bias => hasBias ? Inputs[hasWeight ? affineAt + 1 : affineAt] : null;

    /// <summary>True when a normalization of <paramref name="x"/> with these affine parameters must be recorded.</summary>
    protected static bool ShouldRecord(Tensor x, Tensor? weight, Tensor? bias) =>
        Tape.ShouldRecord(x) || (weight is not null && Tape.ShouldRecord(weight)) || (bias is not null && Tape.ShouldRecord(bias));

    /// <summary>Adds <paramref name="dx"/> (pooled scratch, returned here; null when x needs no gradient) into x's
    /// gradient and <paramref name="dWeight"/>, <paramref name="dBias"/>, each rounded to float, into γ's and β's
    /// where they are present and require one.</summary>
    protected void AccumulateGradients(float[]? dx, double[] dWeight, double[] dBias)
    {
        var x = Inputs[0];
        if (dx is not null)
        {
            x.AccumulateGrad(dx.AsSpan(0, x.Length));
            ArrayPoolBuffer.Return(dx);
        }

        if (Weight is { RequiresGrad: true } weight)
        {
            AccumulateRounded(weight, dWeight);
        }

        if (Bias is { RequiresGrad: true } bias)
        {
            AccumulateRounded(bias, dBias);
        }
    }

    /// <summary>The backward pass of a layer normalization over <paramref name="rows"/> rows of <paramref name="width"/>
    /// values of z = x (no <paramref name="residual"/>) or z = x·mask + residual (<see cref="ResidualLayerNormOp"/>) on
    /// <see cref="LayerNormKernel"/>: dz goes straight into the residual's gradient and dz·mask into x's (each created or
    /// added to), γ's and β's gradients are summed in double and added rounded.</summary>
    protected unsafe void BackwardRows(Tensor? residual, int[]? keep, float keepScale, ReadOnlySpan<float> gradOutput, int rows, int width, bool simd)
    {
        var x = Inputs[0];
        var same = ReferenceEquals(x, residual);
        var affine = Weight is { RequiresGrad: true } || Bias is { RequiresGrad: true };
        var addX = false;
        var addR = false;
        var gx = x.RequiresGrad ? x.GradTarget(out addX) : default;
        var gr = residual is { RequiresGrad: true } && !same ? residual.GradTarget(out addR) : default;
        var partials = affine ? ArrayPool<double>.Shared.Rent(LayerNormKernel.PartialLength(rows, width)) : null;
        var weight = Weight;
        fixed (float* px = x.Span, pr = residual is null ? default : residual.Span, pw = weight is null ? default : weight.Span)
        fixed (float* pm = Mean, pi = InvStd, pg = gradOutput, pgx = gx, pgr = gr)
        fixed (int* pk = keep)
        fixed (double* pp = partials)
        {
            LayerNormKernel.Backward(px, pr, pk, keep?.Length ?? 0, keepScale, pw, rows, width, pm, pi, pg,
                pgx, addX, pgr, addR, same && x.RequiresGrad, pp, simd);
        }

        if (partials is null)
        {
            return;
        }

        var dw = ArrayPool<double>.Shared.Rent(width);
        var db = ArrayPool<double>.Shared.Rent(width);
        LayerNormKernel.SumPartials(partials, rows, width, dw, db);
        AccumulateGradients(null, dw, db);
        ArrayPool<double>.Shared.Return(dw);
        ArrayPool<double>.Shared.Return(db);
        ArrayPool<double>.Shared.Return(partials);
    }

    private static Tensor[] InputsOf(Tensor[] leading, Tensor? weight, Tensor? bias) => (weight, bias) switch
    {
        (null, null) => leading,
        (not null, null) => [.. leading, weight],
        (null, not null) => [.. leading, bias],
        _ => [.. leading, weight, bias],
    };

    private static void AccumulateRounded(Tensor t, double[] g)
    {
        var scratch = GradientScratch.For(t);
        var rounded = scratch.Span;
        for (var j = 0; j < rounded.Length; j++)
        {
            rounded[j] = (float)g[j];
        }

        scratch.AccumulateInto(t);
    }
}
