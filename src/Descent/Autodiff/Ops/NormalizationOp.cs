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
