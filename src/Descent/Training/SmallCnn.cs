using Descent.Nn;

namespace Descent.Training;

/// <summary>
/// The small convolutional network of Descent's examples and transfer demo (the architecture of the golden
/// CNN): Conv2d(1,8,3,p=1) BatchNorm2d(8) ReLU MaxPool2d(2) Conv2d(8,16,3) ReLU MaxPool2d(2) Flatten
/// Linear(16·s·s,32) GELU Dropout Linear(32,classes), for square single-channel images of side 28 (s = 6) or 8
/// (s = 1).
/// </summary>
public static class SmallCnn
{
    /// <summary>The names of its stages, head first, for <see cref="GradualUnfreezing"/>.</summary>
    public static IReadOnlyList<string> Stages { get; } = ["11.*", "8.*", "4.*", "0.*,1.*"];

    /// <summary>The name pattern of the head (the last Linear).</summary>
    public const string Head = "11.*";

    /// <summary>The name pattern of the body (everything but the head).</summary>
    public const string Body = "0.*,1.*,4.*,8.*";

    /// <summary>Creates the network for <paramref name="imageSize"/>×<paramref name="imageSize"/> inputs.</summary>
    public static Sequential Create(int classes, Rng rng, int imageSize = 28, double dropout = 0.0, ulong dropoutSeed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentNullException.ThrowIfNull(rng);
        var side = ((imageSize / 2) - 2) / 2;
        if (side < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imageSize), imageSize, "images must be at least 8×8");
        }

        return new Sequential(
            new Conv2d(1, 8, 3, rng, padding: 1),
            new BatchNorm2d(8),
            new ReLU(),
            new MaxPool2d(2),
            new Conv2d(8, 16, 3, rng),
            new ReLU(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear(16 * side * side, 32, rng),
            new GELU(),
            new Dropout(dropout, dropoutSeed),
            new Linear(32, classes, rng));
    }
}
