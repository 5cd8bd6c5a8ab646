using System.Globalization;
using Descent.Autodiff.Ops;

namespace Descent.Nn;

/// <summary>
/// 2-D max pooling over [N, C, H, W], equivalent to torch.nn.MaxPool2d (dilation 1, floor mode): the stride
/// defaults to the kernel size; padding (at most half the kernel) is −∞. No parameters.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates a pooling layer with a square window.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0)
        : this((kernelSize, kernelSize), stride is { } s ? (s, s) : null, (padding, padding))
    {
    }

    /// <summary>Creates a pooling layer with a (height, width) window.</summary>
    public MaxPool2d((int Height, int Width) kernelSize, (int Height, int Width)? stride, (int Height, int Width) padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Height, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Width, nameof(kernelSize));
        var st = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(st.Height, nameof(stride));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(st.Width, nameof(stride));
        if (padding.Height < 0 || padding.Width < 0 || padding.Height > kernelSize.Height / 2 || padding.Width > kernelSize.Width / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be in [0, kernel size / 2]");
        }

        KernelSize = kernelSize;
        Stride = st;
        Padding = padding;
    }

    /// <summary>Window (height, width).</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>Stride (height, width).</summary>
    public (int Height, int Width) Stride { get; }

    /// <summary>Padding (height, width).</summary>
    public (int Height, int Width) Padding { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
        => MaxPool2dOp.Forward(input, KernelSize.Height, KernelSize.Width, Stride.Height, Stride.Width, Padding.Height, Padding.Width);

    /// <inheritdoc />
    protected override string ExtraRepresentation()
        => string.Create(CultureInfo.InvariantCulture, $"kernel_size={KernelSize}, stride={Stride}, padding={Padding}");
}
