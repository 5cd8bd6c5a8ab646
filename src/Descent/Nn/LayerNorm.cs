using Descent.Autodiff.Ops;
using Descent.Optimizers;

namespace Descent.Nn;

/// <summary>
/// Layer normalization over the last dimensions, equivalent to torch.nn.LayerNorm: each sample's last
/// dimensions (the normalized shape) are normalized by their own mean and biased variance, then scaled by
/// "weight" (ones) and shifted by "bias" (zeros) when elementwise-affine.
/// </summary>
public sealed class LayerNorm : Module
{
    private readonly int[] normalizedShape;

    /// <summary>Creates the layer (PyTorch's defaults: eps 1e-5, elementwise affine with bias).</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"[{string.Join(", ", normalizedShape)}]", "need at least one positive dimension");
        }

        if (!(eps > 0) || double.IsInfinity(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive and finite");
        }

        this.normalizedShape = normalizedShape.ToArray();
        Epsilon = eps;
        Weight = RegisterParameter("weight", elementwiseAffine ? new Parameter(Tensor.Ones(normalizedShape)) : null);
        Bias = RegisterParameter("bias", elementwiseAffine && bias ? new Parameter(normalizedShape) : null);
    }

    /// <summary>Creates the layer normalizing the last dimension of size <paramref name="features"/>.</summary>
    public LayerNorm(int features, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true)
        : this([features], eps, elementwiseAffine, bias)
    {
    }

    /// <summary>The normalized (trailing) shape.</summary>
    public ReadOnlySpan<int> NormalizedShape => normalizedShape;

    /// <summary>Added to the variance.</summary>
    public double Epsilon { get; }

    /// <summary>γ with the normalized shape, or null.</summary>
    public Parameter? Weight { get; }

    /// <summary>β with the normalized shape, or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => LayerNormOp.Forward(input, normalizedShape, Weight, Bias, Epsilon);

    /// <summary>
    /// LayerNorm(dropout(<paramref name="input"/>) + <paramref name="residual"/>), the post-LayerNorm transformer
    /// sub-layer output. <see cref="KernelPath.Auto"/> (the default) and <see cref="KernelPath.Simd"/> fuse the three into
    /// one pass when the layer normalizes one dimension (each row read once and written once; the backward pass recomputes
    /// the sum from the inputs and the dropout mask, kept as bits, and writes both inputs' gradients in the same pass; rows
    /// split across the cores; docs/transformer-kernels.md); <see cref="KernelPath.Reference"/> runs
    /// <see cref="Dropout.Forward"/>, an addition and the LayerNorm with its scalar reference row kernels. Both draw the
    /// same dropout mask from <paramref name="dropout"/>'s generator (active in training mode with p &gt; 0) and give the
    /// same output and gradients, bit for bit.
    /// </summary>
    public Tensor Forward(Tensor input, Tensor residual, Dropout? dropout = null, KernelPath path = KernelPath.Auto)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(residual);
        if (path == KernelPath.Reference || normalizedShape.Length != 1)
        {
            var sum = (dropout is null ? input : dropout.Forward(input)) + residual;
            return LayerNormOp.Forward(sum, normalizedShape, Weight, Bias, Epsilon, path);
        }

        var active = dropout is { IsTraining: true, P: > 0 };
        if (input.Rank == 0 || input.Shape[^1] != normalizedShape[0])
        {
            throw new ShapeMismatchException("LayerNorm", input.Shape, normalizedShape, "the input's last dimension must equal the normalized shape");
        }

        return ResidualLayerNormOp.Forward(input, residual, Weight, Bias, Epsilon, active ? dropout!.P : 0, dropout?.Rng);
    }
}
