using System.Globalization;
using Descent.Training;

namespace Descent.Data;

/// <summary>
/// Built-in and installable datasets. <see cref="Digits"/> ships inside the library and is the default
/// dataset; Fashion-MNIST is read from Debian's package (see <see cref="FashionMnist"/>).
/// </summary>
public static class Datasets
{
    private const string DigitsResource = "Descent.Data.Resources.digits.csv.gz";
    private const string DigitsLicenseResource = "Descent.Data.Resources.LICENSE-digits.txt";

    /// <summary>
    /// scikit-learn's 8×8 handwritten digits (1,797 samples, 10 classes, BSD-3-Clause; see
    /// <see cref="DigitsLicense"/>): features [1797, 64] with pixels 0–16 divided by 16, labels 0–9.
    /// Use <c>.Reshape(1, 8, 8)</c> for images.
    /// </summary>
    public static Dataset Digits()
    {
        using var stream = OpenResource(DigitsResource);
        var table = CsvReader.Read(stream, "digits.csv.gz (embedded)");
        return FromTable(table, labelColumn: -1, numClasses: 10, scale: 1f / 16f);
    }

    /// <summary>The licence notice of the digits dataset (BSD-3-Clause, scikit-learn developers).</summary>
    public static string DigitsLicense()
    {
        using var stream = OpenResource(DigitsLicenseResource);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Fashion-MNIST's training or test split (see <see cref="FashionMnist.Load"/>).</summary>
    public static Dataset FashionMnist(bool train = true, string? directory = null) => Data.FashionMnist.Load(train, directory);

    /// <summary>
    /// A dataset from a numeric table: column <paramref name="labelColumn"/> (negative counts from the end)
    /// holds integer labels in [0, <paramref name="numClasses"/>), every other column is a feature
    /// (multiplied by <paramref name="scale"/>). A bad label raises a <see cref="DataFormatException"/> naming
    /// its row and column.
    /// </summary>
    public static Dataset FromTable(CsvTable table, int labelColumn, int numClasses, float scale = 1f, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        var lc = labelColumn < 0 ? labelColumn + table.Columns : labelColumn;
        if (lc < 0 || lc >= table.Columns)
        {
            throw new ArgumentOutOfRangeException(nameof(labelColumn), labelColumn, $"the table has {table.Columns} columns");
        }

        var featureCount = table.Columns - 1;
        var f = new Tensor(table.Rows, featureCount);
        var dst = f.Span;
        var labels = new int[table.Rows];
        var values = table.Values;
        var headerOffset = table.Header is null ? 0 : 1;
        for (var r = 0; r < table.Rows; r++)
        {
            var row = values.Slice(r * table.Columns, table.Columns);
            var label = row[lc];
            if (!(label >= 0 && label < numClasses && label == MathF.Floor(label)))
            {
                throw new DataFormatException(table.Source, $"data row {r + 1}{(headerOffset == 1 ? " (after the header)" : string.Empty)}, column {lc + 1}",
                    $"an integer class label in [0, {numClasses})", label.ToString(CultureInfo.InvariantCulture));
            }

            labels[r] = (int)label;
            var o = r * featureCount;
            for (var c = 0; c < table.Columns; c++)
            {
                if (c != lc)
                {
                    dst[o++] = row[c] * scale;
                }
            }
        }

        return new Dataset(f, labels, numClasses, classNames);
    }

    /// <summary>An image dataset from IDX image and label files (e.g. Fashion-MNIST): features [N, 1, H, W]
    /// scaled to [0, 1]. The counts must agree.</summary>
    public static Dataset FromIdx(string imagesPath, string labelsPath, int numClasses, IReadOnlyList<string>? classNames = null)
    {
        var images = IdxReader.Read(imagesPath);
        if (images.Dimensions.Length != 3)
        {
            throw new DataFormatException(imagesPath, DataStreams.Describe(3, images.Compressed),
                "an image file with 3 dimensions (count, rows, columns)", $"{images.Dimensions.Length} dimensions");
        }

        var labels = IdxReader.ReadLabels(labelsPath, numClasses);
        var n = images.Dimensions[0];
        if (labels.Length != n)
        {
            throw new DataFormatException(labelsPath, "byte 4", $"{n} labels, one per image of {imagesPath}", $"{labels.Length}");
        }

        var t = images.ToTensor(1f / 255f);
        var shaped = new Tensor(t.Buffer, 0, [n, 1, images.Dimensions[1], images.Dimensions[2]]);
        return new Dataset(shaped, labels, numClasses, classNames);
    }

    private static Stream OpenResource(string name)
        => typeof(Datasets).Assembly.GetManifestResourceStream(name)
           ?? throw new InvalidOperationException($"embedded resource {name} is missing from {typeof(Datasets).Assembly.GetName().Name}");
}
