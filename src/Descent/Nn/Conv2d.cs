using System.Globalization;
using Descent.Autodiff.Ops;

namespace Descent.Nn;

/// <summary>
/// 2-D convolution over [N, C, H, W] inputs, equivalent to torch.nn.Conv2d (dilation 1, groups 1, zero
/// padding): weight [out, in, kh, kw], bias [out] (state_dict names "weight", "bias"), both initialized from
/// U(−1/√fan_in, 1/√fan_in) with fan_in = in·kh·kw — PyTorch's default — drawn from the given generator,
/// weight first. Computed by im2col and the GEMM.
/// </summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates a convolution with a square kernel, stride and padding.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, bool bias = true)
        : this(inChannels, outChannels, (kernelSize, kernelSize), rng, (stride, stride), (padding, padding), bias)
    {
    }

    /// <summary>Creates a convolution with (height, width) kernel, stride and padding.</summary>
    public Conv2d(int inChannels, int outChannels, (int Height, int Width) kernelSize, Rng rng,
        (int Height, int Width) stride, (int Height, int Width) padding, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Height, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Width, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride.Height, nameof(stride));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride.Width, nameof(stride));
        ArgumentOutOfRangeException.ThrowIfNegative(padding.Height, nameof(padding));
        ArgumentOutOfRangeException.ThrowIfNegative(padding.Width, nameof(padding));
        ArgumentNullException.ThrowIfNull(rng);
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        var bound = (float)(1.0 / Math.Sqrt((double)inChannels * kernelSize.Height * kernelSize.Width));
        Weight = RegisterParameter("weight", new Parameter(
            Tensor.Uniform(rng, -bound, bound, outChannels, inChannels, kernelSize.Height, kernelSize.Width)))!;
        Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.Uniform(rng, -bound, bound, outChannels)) : null);
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel (height, width).</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>Stride (height, width).</summary>
    public (int Height, int Width) Stride { get; }

    /// <summary>Zero padding on each side (height, width).</summary>
    public (int Height, int Width) Padding { get; }

    /// <summary>The weight, [out, in, kh, kw].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [out], or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
        => Conv2dOp.Forward(input, Weight, Bias, Stride.Height, Stride.Width, Padding.Height, Padding.Width);

    /// <inheritdoc />
    protected override string ExtraRepresentation()
        => string.Create(CultureInfo.InvariantCulture, $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}{(Padding == (0, 0) ? string.Empty : $", padding={Padding}")}{(Bias is null ? ", bias=False" : string.Empty)}");
}
