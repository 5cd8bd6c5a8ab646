using System.Globalization;
using System.Text.Json;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Descent.Tests.Training;

/// <summary>
/// training.json: the seed article's MLP (Linear → Tanh → … → Linear, layer sizes from the file's shapes),
/// loaded from each run's <c>init</c>, trained full-batch with the run's optimizer and hyperparameters (PyTorch
/// names, through <see cref="OptimizerRegistry"/>) under MSE (mean). Every recorded loss (taken before the
/// update) must match within rtol 1e-4, and the final weights within rtol 1e-4 / atol 1e-5, on both kernel paths.
/// </summary>
[Trait("Category", "Parity")]
public sealed class TrainingParityTests(ITestOutputHelper output)
{
    private const string FileName = "training.json";

    public static TheoryData<int, KernelPath> Runs()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Golden.File(FileName)));
        var d = new TheoryData<int, KernelPath>();
        for (var i = 0; i < doc.RootElement.GetProperty("runs").GetArrayLength(); i++)
        {
            d.Add(i, KernelPath.Reference);
            d.Add(i, KernelPath.Simd);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void MatchesPyTorchTrainingRun(int runIndex, KernelPath path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Golden.File(FileName)));
        var root = doc.RootElement;
        var run = root.GetProperty("runs")[runIndex];
        var name = run.GetProperty("optimizer").GetString();
        var init = ReadTensors(run.GetProperty("init"), run.GetProperty("shapes"));

        var model = BuildMlp(init);
        model.LoadStateDict(init);
        var x = Matrix(root.GetProperty("X"));
        var yValues = root.GetProperty("y").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        var y = Tensor.FromArray(yValues, x.Dim(0), yValues.Length / x.Dim(0));
        var loss = new MseLoss();

        var hyper = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var h in run.GetProperty("hyperparams").EnumerateObject())
        {
            if (h.Value.ValueKind == JsonValueKind.Array)
            {
                var k = 0;
                foreach (var item in h.Value.EnumerateArray())
                {
                    hyper[OptimizerRegistry.TupleComponentName(h.Name, k++)] = item.GetDouble();
                }
            }
            else
            {
                hyper[h.Name] = h.Value.ValueKind switch
                {
                    JsonValueKind.True => 1,
                    JsonValueKind.False => 0,
                    _ => h.Value.GetDouble(),
                };
            }
        }

        var optimizer = OptimizerRegistry.Create(run.GetProperty("torch_optimizer").GetString()!, model.Parameters(), hyper);
        optimizer.KernelPath = path;
        var expectedLosses = run.GetProperty("losses").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var lossTol = new Closeness(1e-4, 0);
        for (var step = 0; step < expectedLosses.Length; step++)
        {
            optimizer.ZeroGrad();
            var l = loss.Forward(model.Forward(x), y);
            lossTol.Check(l.Item(), expectedLosses[step], $"{name} loss at step {step}");
            l.Backward();
            optimizer.Step();
        }

        var weightTol = new Closeness(1e-4, 1e-5);
        var final = ReadTensors(run.GetProperty("final"), run.GetProperty("shapes"));
        var own = model.StateDict();
        foreach (var (key, expected) in final)
        {
            weightTol.Check(own[key].Span, expected.ToArray().Select(v => (double)v).ToArray(), $"{name} final {key}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} [{path}]: losses {lossTol.MaxBudgetUsed:P1} of budget (worst {lossTol.Worst}), final weights {weightTol.MaxBudgetUsed:P1}"));
    }

    /// <summary>Linear layers at the even indices named in the state dict, Tanh between them.</summary>
    private static Sequential BuildMlp(IReadOnlyDictionary<string, Tensor> init)
    {
        var linearIndices = init.Keys.Where(k => k.EndsWith(".weight", StringComparison.Ordinal))
            .Select(k => int.Parse(k[..k.IndexOf('.', StringComparison.Ordinal)], CultureInfo.InvariantCulture))
            .Order().ToList();
        var layers = new List<Module>();
        var rng = new Rng(0);
        for (var i = 0; i < linearIndices.Count; i++)
        {
            Assert.Equal(2 * i, linearIndices[i]);
            var w = init[$"{linearIndices[i]}.weight"];
            layers.Add(new Linear(w.Dim(1), w.Dim(0), rng, bias: init.ContainsKey($"{linearIndices[i]}.bias")));
            if (i < linearIndices.Count - 1)
            {
                layers.Add(new Tanh());
            }
        }

        return new Sequential(layers);
    }

    private static Dictionary<string, Tensor> ReadTensors(JsonElement values, JsonElement shapes)
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var p in values.EnumerateObject())
        {
            var shape = shapes.GetProperty(p.Name).EnumerateArray().Select(s => s.GetInt32()).ToArray();
            var flat = Flatten(p.Value).ToArray();
            d[p.Name] = Tensor.FromArray(flat, shape);
        }

        return d;
    }

    private static IEnumerable<float> Flatten(JsonElement e) => e.ValueKind == JsonValueKind.Array
        ? e.EnumerateArray().SelectMany(Flatten)
        : [(float)e.GetDouble()];

    private static Tensor Matrix(JsonElement rows)
    {
        var list = rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();
        var t = new Tensor(list.Length, list[0].Length);
        for (var i = 0; i < list.Length; i++)
        {
            list[i].CopyTo(t.Span.Slice(i * list[0].Length, list[0].Length));
        }

        return t;
    }
}
