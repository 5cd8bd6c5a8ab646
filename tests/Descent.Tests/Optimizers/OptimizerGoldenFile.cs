using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Xunit.Abstractions;

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

    /// <summary>Replays case <paramref name="caseName"/> of golden file <paramref name="fileName"/> on
    /// <paramref name="path"/>: parameters after every step and the final state within rtol 1e-5 / atol 1e-6.</summary>
    public static void CheckTrajectory(string fileName, string caseName, KernelPath path, ITestOutputHelper output)
    {
        var c = OptimizerGoldenFile.Load(fileName).Single(x => x.Name == caseName);
        var parameters = c.ParamsInit.Select((init, k) => new Parameter(Tensor.FromArray(init, c.Shapes[k]))).ToArray();
        var optimizer = OptimizerRegistry.Create(c.Optimizer, parameters, c.Hyperparameters, c.Choices);
        optimizer.KernelPath = path;
        var tol = new Closeness(1e-5, 1e-6);

        for (var s = 0; s < c.Grads.Length; s++)
        {
            for (var k = 0; k < parameters.Length; k++)
            {
                var g = c.Grads[s][k];
                parameters[k].Grad = g is null ? null : Tensor.FromArray(g, c.Shapes[k]);
            }

            optimizer.Step();
            for (var k = 0; k < parameters.Length; k++)
            {
                tol.Check(parameters[k].Span, c.Params[s][k], $"{caseName} step {s} param {k}");
            }
        }

        if (c.StateFinal is not null)
        {
            for (var k = 0; k < parameters.Length; k++)
            {
                CheckState(optimizer.GetState(parameters[k]), c.StateFinal[k], tol, $"{caseName} state of param {k}");
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{caseName} [{path}]: max budget used {tol.MaxBudgetUsed:P1} at {tol.Worst}"));
    }

    private static void CheckState(ParameterState? state, IReadOnlyDictionary<string, double[]> expected, Closeness tol, string what)
    {
        if (state is null)
        {
            Assert.True(expected.Count == 0, $"{what}: no state, expected keys {string.Join(", ", expected.Keys)}");
            return;
        }

        var tensors = state.Tensors.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var expectedTensorKeys = expected.Keys.Where(k => k != "step").Order(StringComparer.Ordinal);
        Assert.Equal(expectedTensorKeys, tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, values) in expected)
        {
            if (key == "step")
            {
                Assert.Equal(values[0], state.Step);
            }
            else
            {
                tol.Check(tensors[key].Span, values, $"{what} '{key}'");
            }
        }
    }

    /// <summary>The parsed cases of <paramref name="path"/> beside the JSON element each came from (for files that
    /// add fields to the common layout).</summary>
    public static IReadOnlyList<(OptimizerGoldenCase Case, JsonElement Json)> ParseWithJson(string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        return [.. doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => (ParseCase(c), c.Clone()))];
    }

    private static IReadOnlyList<OptimizerGoldenCase> Parse(string path) => [.. ParseWithJson(path).Select(x => x.Case)];

    private static OptimizerGoldenCase ParseCase(JsonElement c)
    {
        var shapes = c.GetProperty("shapes").EnumerateArray()
            .Select(s => s.EnumerateArray().Select(d => d.GetInt32()).ToArray()).ToArray();
        var hyper = new Dictionary<string, double>(StringComparer.Ordinal);
        var choices = new Dictionary<string, string>(StringComparer.Ordinal);
        if (c.TryGetProperty("hyperparams", out var hp))
        {
            foreach (var prop in hp.EnumerateObject())
            {
                if (prop.Value.ValueKind == JsonValueKind.String)
                {
                    choices[prop.Name] = prop.Value.GetString()!;
                }
                else
                {
                    AddHyperparameter(hyper, prop.Name, prop.Value);
                }
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
            state,
            choices);
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
