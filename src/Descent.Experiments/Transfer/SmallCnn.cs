using Descent.Nn;

namespace Descent.Experiments.Transfer;

/// <summary>
/// The small convolutional network of Descent's examples and transfer demo (the architecture of the golden
/// CNN): Conv2d(1,8,3,p=1) BatchNorm2d(8) ReLU MaxPool2d(2) Conv2d(8,16,3) ReLU MaxPool2d(2) Flatten
/// Linear(16·s·s,32) GELU Dropout Linear(32,classes), for square single-channel images of side 28 (s = 6) or 8
/// (s = 1). <c>width</c> multiplies the channel and hidden sizes (width w: 8w, 16w and 32w); the layer order and
/// so the state_dict names, <see cref="Head"/>, <see cref="Body"/>, <see cref="Convolutional"/> and <see cref="Stages"/> do not depend on it.
/// </summary>
public static class SmallCnn
{
    /// <summary>The names of its stages, head first, for <see cref="GradualUnfreezing"/>.</summary>
    public static IReadOnlyList<string> Stages { get; } = ["11.*", "8.*", "4.*", "0.*,1.*"];

    /// <summary>The name pattern of the head (the last Linear).</summary>
    public const string Head = "11.*";

    /// <summary>The name pattern of the body (everything but the head).</summary>
    public const string Body = "0.*,1.*,4.*,8.*";

    /// <summary>The name pattern of the convolutional feature extractor (both Conv2d layers and the BatchNorm).</summary>
    public const string Convolutional = "0.*,1.*,4.*";

    /// <summary>The default width multiplier (8/16/32 channels and hidden units).</summary>
    public const int DefaultWidth = 1;

    /// <summary>The largest width multiplier accepted.</summary>
    public const int MaxWidth = 64;

    /// <summary>Creates the network for <paramref name="imageSize"/>×<paramref name="imageSize"/> inputs, with
    /// 8·<paramref name="width"/> and 16·<paramref name="width"/> channels and 32·<paramref name="width"/> hidden
    /// units.</summary>
    public static Sequential Create(int classes, Rng rng, int imageSize = 28, double dropout = 0.0, ulong dropoutSeed = 0, int width = DefaultWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ValidateWidth(width);
        ArgumentNullException.ThrowIfNull(rng);
        var side = ((imageSize / 2) - 2) / 2;
        if (side < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "images must be at least 8×8");
        }

        var (c1, c2, hidden) = (8 * width, 16 * width, 32 * width);
        return new Sequential(
            new Conv2d(1, c1, 3, rng, padding: 1),
            new BatchNorm2d(c1),
            new Relu(),
            new MaxPool2d(2),
            new Conv2d(c1, c2, 3, rng),
            new Relu(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear(c2 * side * side, hidden, rng),
            new Gelu(),
            new Dropout(dropout, dropoutSeed),
            new Linear(hidden, classes, rng));
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless 1 ≤ <paramref name="width"/> ≤
    /// <see cref="MaxWidth"/>.</summary>
    public static int ValidateWidth(int width) => width is >= 1 and <= MaxWidth
        ? width
        : throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be in [1, {MaxWidth}]");
}
