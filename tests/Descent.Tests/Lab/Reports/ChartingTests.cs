using Descent.Lab.Reports;

namespace Descent.Tests.Lab.Reports;

/// <summary>The chart library is optional for Descent.Lab's package users; here (as in the descent tool) it is
/// referenced. examples/Consumer, built in CI from the packages without ScottPlot, checks the other side.</summary>
public class ChartingTests
{
    [Fact]
    public void AvailableWhereScottPlotIsReferencedAndTheMessageSaysHowToAddIt()
    {
        Assert.True(Charting.IsAvailable);
        Charting.EnsureAvailable();
        Assert.Contains($"dotnet add package {Charting.PackageId} --version {Charting.PackageVersion}", Charting.MissingMessage, StringComparison.Ordinal);
        Assert.Equal(Charting.PackageVersion, typeof(ScottPlot.Plot).Assembly.GetName().Version!.ToString(3));
    }
}
