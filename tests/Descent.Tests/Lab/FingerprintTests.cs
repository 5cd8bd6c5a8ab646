using System.Text.Json;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Lab.Store;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Lab;

/// <summary>Run stores written before the task kinds moved out of the lab must still resume: the fingerprint of every
/// example spec, preset and a spread of task settings equals the one recorded with the pre-split code
/// (<c>fingerprints-pre-split.json</c>, written by <c>RunStore.Fingerprint</c> at commit aede10c).</summary>
public sealed class FingerprintTests
{
    public static TheoryData<int> Rows => [.. Enumerable.Range(0, Load().Count)];

    [Theory]
    [MemberData(nameof(Rows))]
    public void FingerprintIsUnchanged(int row)
    {
        var (spec, fingerprint) = Load()[row];
        Assert.Equal(fingerprint, RunStore.Fingerprint(SpecParser.Parse(spec, EngineCatalog.Instance)));
    }

    [Fact]
    public void ReferenceCoversEveryBuiltInKind()
    {
        var kinds = Load().Select(r => SpecParser.Parse(r.Spec, EngineCatalog.Instance).Task.Kind).ToHashSet();
        // Kinds added after the split (csv, idx) have no stores from before it; their own tests cover their fingerprints.
        string[] newer = [Descent.Experiments.TaskKinds.Csv, Descent.Experiments.TaskKinds.Idx];
        Assert.Equal(Descent.Experiments.TaskKinds.All.Except(newer).Order(), kinds.Order());
    }

    private static List<(string Spec, string Fingerprint)> Load()
    {
        var path = Path.Combine(Golden.RepositoryRoot, "tests", "Descent.Tests", "Lab", "fingerprints-pre-split.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return [.. doc.RootElement.EnumerateArray().Select(e => (e.GetProperty("spec").GetString()!, e.GetProperty("fingerprint").GetString()!))];
    }
}
