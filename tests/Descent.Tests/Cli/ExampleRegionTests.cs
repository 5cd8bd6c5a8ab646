using Descent.Tests.Infrastructure;

namespace Descent.Tests.Cli;

/// <summary>The compiled examples that README.md quotes mark their region, stay within the line counts
/// docs/conveniences.md states, and take no more lines than their PyTorch equivalents.</summary>
public class ExampleRegionTests
{
    public static TheoryData<string, string> Examples()
    {
        var data = new TheoryData<string, string>();
        foreach (var (example, pytorch) in ExampleRegion.All)
        {
            data.Add(example, pytorch);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void RegionIsMarkedAndNoLongerThanPyTorchs(string example, string pytorch)
    {
        var region = ExampleRegion.Read(example);
        Assert.StartsWith("using Descent", region, StringComparison.Ordinal);
        var lines = ExampleRegion.CodeLines(region, "//");
        var torch = ExampleRegion.PyTorchLines(pytorch);
        Assert.True(lines <= torch, $"examples/{example}: {lines} lines of code, PyTorch's {pytorch} {torch}");

        // docs/conveniences.md states both counts.
        var doc = File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "docs", "conveniences.md"));
        Assert.Contains($"| `examples/{example}` | {lines} | `{pytorch}` | {torch} |", doc, StringComparison.Ordinal);
    }

    [Fact]
    public void LabExampleFitsThirtyLines()
        => Assert.True(ExampleRegion.CodeLines(ExampleRegion.Read("LabFromCode"), "//") <= 30);
}
