using System.Collections.Concurrent;
using System.Text.Json;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Optimizers;

/// <summary>
/// Reads a golden optimizer-trajectory file (the optimizers.json format: <c>cases[]</c> with <c>optimizer</c>,
/// <c>hyperparams</c>, <c>shapes</c>, <c>params_init</c>, <c>grads[s][k]</c> (or null), <c>params[s][k]</c>,
/// <c>state_final[k]</c>). Parsed once per path.
/// </summary>
public static class OptimizerGoldenFile
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<OptimizerGoldenCase>> Cache = new();

    /// <summary>All cases of <paramref name="fileName"/> in the golden folder.</summary>
    public static IReadOnlyList<OptimizerGoldenCase> Load(string fileName) =>
        Cache.GetOrAdd(Golden.File(fileName), Parse);

    /// <summary>Theory rows: every case × both kernel paths.</summary>
    public static TheoryData<string, KernelPath> Rows(string fileName)
    {
        var rows = new TheoryData<string, KernelPath>();
        foreach (var c in Load(fileName))
        {

            rows.Add(c.Name, KernelPath.Reference);
            rows.Add(c.Name, KernelPath.Simd);
        }

        return rows;
    }

    private static IReadOnlyList<OptimizerGoldenCase> Parse(string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        var list = new List<OptimizerGoldenCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            list.Add(ParseCase(c));
        }

        return list;
    }

    private static OptimizerGoldenCase ParseCase(JsonElement c)
    {
        var shapes = c.GetProperty("shapes").EnumerateArray()
            .Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToArray();
        var hyper = new Dictionary<string, double>(StringComparer.Ordinal);
        if (c.TryGetProperty("hyperparams", out var hp))
        {
            foreach (var prop in hp.EnumerateObject())
            {
                AddHyperparameter(hyper, prop.Name, prop.Value);
            }
        }

        var grads = c.GetProperty("grads").EnumerateArray()
            .Select(step => step.EnumerateArray().Select(g => g.ValueKind == JsonValueKind.Null ? null : Floats(g)).ToArray())
            .ToArray();
        var parameters = c.GetProperty("params").EnumerateArray()
            .Select(step => step.EnumerateArray().Select(Doubles).ToArray()).ToArray();
        var state = c.TryGetProperty("state_final", out var sf)
            ? sf.EnumerateArray().Select(ParseState).ToArray()
            : null;
        return new OptimizerGoldenCase(
            c.GetProperty("name").GetString()!,
            c.GetProperty("optimizer").GetString()!,
            hyper,
            shapes,
            c.GetProperty("params_init").EnumerateArray().Select(Floats).ToArray(),
            grads,
            parameters,
            state);
    }

    private static void AddHyperparameter(Dictionary<string, double> hyper, string name, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                hyper[name] = value.GetDouble();
                break;
            case JsonValueKind.True:
                hyper[name] = 1;
                break;
            case JsonValueKind.False:
                hyper[name] = 0;
                break;
            case JsonValueKind.Null:
                break; // PyTorch's None: the optimizer's default
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    AddHyperparameter(hyper, OptimizerRegistry.TupleComponentName(name, i++), item);
                }

                break;
            default:
                throw new InvalidDataException($"hyperparameter '{name}' has unsupported JSON value {value}");
        }
    }

    private static IReadOnlyDictionary<string, double[]> ParseState(JsonElement s)
    {
        var d = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var prop in s.EnumerateObject())
        {
            d[prop.Name] = prop.Value.ValueKind == JsonValueKind.Array ? Doubles(prop.Value) : [prop.Value.GetDouble()];
        }

        return d;
    }

    private static float[] Floats(JsonElement a) => a.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();

    private static double[] Doubles(JsonElement a) => a.EnumerateArray().Select(x => x.GetDouble()).ToArray();
}
