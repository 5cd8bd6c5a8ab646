using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Experiments;
using Descent.Lab.Tasks;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Lab.Tasks;

/// <summary>The JSON schema of specs (<c>examples/lab/experiment.schema.json</c>) says what the registered task kinds
/// read: its <c>$.task.kind</c> enum lists them in order and each key's fragment is the one its kind declares.</summary>
public sealed class TaskSchemaTests
{
    [Fact]
    public void SchemaTaskSectionIsTheKindsFragments()
    {
        var registry = ExperimentTasks.Register(new LabTaskRegistry());
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "examples", "lab", "experiment.schema.json")));
        var properties = doc.RootElement.GetProperty("properties").GetProperty("task").GetProperty("properties");
        Assert.Equal(registry.Kinds, properties.GetProperty("kind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        var inSchema = properties.EnumerateObject().Where(p => p.Name != "kind").ToDictionary(p => p.Name, p => p.Value.GetRawText());
        Assert.Equal(inSchema.Keys.Order(StringComparer.Ordinal), registry.Keys.Select(k => k.Name).Order(StringComparer.Ordinal));
        foreach (var key in registry.Keys)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(inSchema[key.Name]), JsonNode.Parse(key.Schema)), $"$.task.{key.Name}: {key.Schema}");
        }
    }
}
