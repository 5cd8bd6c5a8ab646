using System.Reflection;

namespace Descent.Lab.Reports;

/// <summary>
/// Charts are drawn with ScottPlot, an optional dependency of the Descent.Lab package: ScottPlot brings SkiaSharp's and
/// HarfBuzz's native libraries for every platform (≈ 80 MB to download, ≈ 280 MB on disk), so an application that
/// wants the lab's charts references <see cref="PackageId"/> <see cref="PackageVersion"/> itself (the descent tool
/// does). Without it, reports are written without charts and say so, and <see cref="LossChart.Save"/> throws
/// <see cref="InvalidOperationException"/> naming the package.
/// </summary>
public static class Charting
{
    /// <summary>The chart package.</summary>
    public const string PackageId = "ScottPlot";

    /// <summary>The version Descent.Lab is built and tested with.</summary>
    public const string PackageVersion = "5.1.59";

    private static readonly Lazy<bool> Available = new(Probe);

    /// <summary>Whether the chart library can be loaded in this process.</summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>What to do to get charts.</summary>
    public static string MissingMessage =>
        $"charts need the {PackageId} package, which this application does not reference: add it with " +
        $"'dotnet add package {PackageId} --version {PackageVersion}'.";

    /// <summary>Throws when the chart library is missing.</summary>
    /// <exception cref="InvalidOperationException">The chart library cannot be loaded; the message says how to add it.</exception>
    public static void EnsureAvailable()
    {
        if (!IsAvailable)
        {
            throw new InvalidOperationException(MissingMessage);
        }
    }

    private static bool Probe()
    {
        try
        {
            Assembly.Load(new AssemblyName(PackageId));
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (FileLoadException)
        {
            return false;
        }
    }
}
