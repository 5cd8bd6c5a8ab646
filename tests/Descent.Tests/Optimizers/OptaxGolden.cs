using System.Text.Json;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Optimizers;

/// <summary>One recorded Optax trajectory from <c>optax.json</c>.</summary>
public sealed record OptaxCase(
    string Name,
    string OptaxCall,
    IReadOnlyDictionary<string, JsonElement> Hyperparams,
    int[][] Shapes,
    float[][] ParamsInit,
    float[]?[][] Grads,
    float[][][] Params);

/// <summary>Reads <c>optax.json</c> (the golden folder, or <c>DESCENT_GOLDEN_DIR</c>).</summary>
public static class OptaxGolden
{
    private static readonly Lazy<IReadOnlyList<OptaxCase>> Loaded = new(Load);

    public static IReadOnlyList<OptaxCase> Cases => Loaded.Value;

    public static OptaxCase Get(string name) =>
        Cases.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"no case '{name}' in optax.json");

    private static IReadOnlyList<OptaxCase> Load()
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(Golden.File("optax.json")));
        var cases = new List<OptaxCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            var hyper = c.GetProperty("hyperparams").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
            var shapes = c.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToArray();
            var init = c.GetProperty("params_init").EnumerateArray().Select(Flatten).ToArray();
            var grads = c.GetProperty("grads").EnumerateArray()
                .Select(step => step.EnumerateArray().Select(g => g.ValueKind == JsonValueKind.Null ? null : Flatten(g)).ToArray())
                .ToArray();
            var ps = c.GetProperty("params").EnumerateArray()
                .Select(step => step.EnumerateArray().Select(Flatten).ToArray())
                .ToArray();
            var call = c.TryGetProperty("optax_call", out var oc) ? oc.GetString()! : "optax." + c.GetProperty("optimizer").GetString();
            cases.Add(new OptaxCase(c.GetProperty("name").GetString()!, call, hyper, shapes, init, grads, ps));
        }

        return cases;
    }

    /// <summary>A number or a (nested) array of numbers, flattened row-major.</summary>
    public static float[] Flatten(JsonElement e)
    {
        var list = new List<float>();
        Walk(e, list);
        return [.. list];

        static void Walk(JsonElement e, List<float> list)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var x in e.EnumerateArray())
                {
                    Walk(x, list);
                }
            }
            else if (e.ValueKind == JsonValueKind.String)
            {
                list.Add(float.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                list.Add(e.GetSingle());
            }
        }
    }
}
