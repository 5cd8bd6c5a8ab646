using System.Globalization;
using Descent.Training;

namespace Descent.Data;

/// <summary>
/// Fashion-MNIST (Zalando, MIT licence): 28×28 grey-scale images of 10 clothing classes, 60,000 for
/// training and 10,000 for testing, as gzip IDX files. Descent reads the copy installed by Debian's
/// <c>dataset-fashion-mnist</c> package (<see cref="DefaultDirectory"/>) or any folder holding the four files.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The command that installs it on Debian or Ubuntu.</summary>
    public const string InstallCommand = "sudo apt-get install dataset-fashion-mnist";

    /// <summary>Training images file name.</summary>
    public const string TrainImages = "train-images-idx3-ubyte.gz";

    /// <summary>Training labels file name.</summary>
    public const string TrainLabels = "train-labels-idx1-ubyte.gz";

    /// <summary>Test images file name.</summary>
    public const string TestImages = "t10k-images-idx3-ubyte.gz";

    /// <summary>Test labels file name.</summary>
    public const string TestLabels = "t10k-labels-idx1-ubyte.gz";

    /// <summary>The class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Where the balanced subset ships in the source repository (3,000 train and 1,000 test images).</summary>
    public const string SubsetFolder = "data/fashion-mnist-subset";

    /// <summary>The shipped subset folder, searched upward from the current directory and the program's folder;
    /// null when not found.</summary>
    public static string? FindSubset() => RepositoryData.Find(SubsetFolder, candidate => IsInstalled(candidate));

    /// <summary>Whether <paramref name="directory"/> (default <see cref="DefaultDirectory"/>) holds the four files.</summary>
    public static bool IsInstalled(string? directory = null)
    {
        var dir = directory ?? DefaultDirectory;
        return new[] { TrainImages, TrainLabels, TestImages, TestLabels }.All(f => File.Exists(Path.Combine(dir, f)));
    }

    /// <summary>Loads the training or test split from <paramref name="directory"/> (default
    /// <see cref="DefaultDirectory"/>): features [N, 1, 28, 28] in [0, 1], labels 0–9.</summary>
    /// <exception cref="FileNotFoundException">The files are missing; the message says how to install them.</exception>
    public static Dataset Load(bool train, string? directory = null)
    {
        var dir = directory ?? DefaultDirectory;
        var images = Path.Combine(dir, train ? TrainImages : TestImages);
        var labels = Path.Combine(dir, train ? TrainLabels : TestLabels);
        foreach (var f in new[] { images, labels })
        {
            if (!File.Exists(f))
            {
                throw new FileNotFoundException(
                    $"Fashion-MNIST file {f} not found. Install the dataset with '{InstallCommand}' " +
                    $"(it goes to {DefaultDirectory}) or point to a folder holding {TrainImages}, {TrainLabels}, {TestImages} and {TestLabels}.",
                    f);
            }
        }

        return Datasets.FromIdx(images, labels, 10, ClassNames);
    }

    /// <summary>
    /// Writes a balanced subset: <paramref name="trainPerClass"/> training and <paramref name="testPerClass"/>
    /// test images of each class, drawn with a seeded shuffle and kept in their original order, as the four
    /// gzip IDX files in <paramref name="outputDirectory"/>. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteSubset(string sourceDirectory, string outputDirectory, int trainPerClass, int testPerClass, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainPerClass);
        ArgumentOutOfRangeException.ThrowIfNegative(testPerClass);
        Directory.CreateDirectory(outputDirectory);
        var written = new List<string>();
        foreach (var (imagesName, labelsName, perClass) in new[] { (TrainImages, TrainLabels, trainPerClass), (TestImages, TestLabels, testPerClass) })
        {
            var images = IdxReader.Read(Path.Combine(sourceDirectory, imagesName));
            var labels = IdxReader.Read(Path.Combine(sourceDirectory, labelsName));
            var y = labels.ToLabels(10);
            var rows = images.Dimensions[1];
            var cols = images.Dimensions[2];
            var size = rows * cols;
            var order = Enumerable.Range(0, y.Length).ToArray();
            new Rng(seed).Shuffle(order.AsSpan());
            var taken = new int[10];
            var keep = new List<int>();
            foreach (var i in order)
            {
                if (taken[y[i]] < perClass)
                {
                    taken[y[i]]++;
                    keep.Add(i);
                }
            }

            keep.Sort();
            var pixels = new byte[keep.Count * size];
            var subsetLabels = new byte[keep.Count];
            var src = images.Bytes;
            for (var k = 0; k < keep.Count; k++)
            {
                src.Slice(keep[k] * size, size).CopyTo(pixels.AsSpan(k * size, size));
                subsetLabels[k] = (byte)y[keep[k]];
            }

            var imagesOut = Path.Combine(outputDirectory, imagesName);
            var labelsOut = Path.Combine(outputDirectory, labelsName);
            IdxWriter.WriteBytes(imagesOut, pixels, [keep.Count, rows, cols], gzip: true);
            IdxWriter.WriteBytes(labelsOut, subsetLabels, [keep.Count], gzip: true);
            written.Add(imagesOut);
            written.Add(labelsOut);
        }

        return written;
    }

    /// <summary>A short description of the files found in <paramref name="directory"/>.</summary>
    public static string Describe(string directory)
        => string.Join(", ", new[] { TrainImages, TestImages }
            .Where(f => File.Exists(Path.Combine(directory, f)))
            .Select(f => $"{f} ({new FileInfo(Path.Combine(directory, f)).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes)"));
}
