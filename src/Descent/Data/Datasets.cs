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
        return Dataset.FromTable(table, labelColumn: -1, numClasses: 10, scale: 1f / 16f);
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

    private static Stream OpenResource(string name)
        => typeof(Datasets).Assembly.GetManifestResourceStream(name)
           ?? throw new InvalidOperationException($"embedded resource {name} is missing from {typeof(Datasets).Assembly.GetName().Name}");
}
