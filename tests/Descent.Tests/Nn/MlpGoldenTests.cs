using System.Text.Json;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Tests.Autodiff;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Nn;

/// <summary>The article's 2-16-1 MLP built from training.json's initial weights: its step-0 MSE equals
/// PyTorch's, and its autodiff gradients agree with finite differences of a double-precision reference.</summary>
[Trait("Category", "Parity")]
public class MlpGoldenTests
{
    private sealed record Run(string Name, Dictionary<string, float[]> Init, double Loss0);

    private static (Tensor X, Tensor Y, List<Run> Runs) Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Golden.File("training.json")));
        var root = doc.RootElement;
        var xRows = root.GetProperty("X").EnumerateArray().ToList();
        var cols = xRows[0].GetArrayLength();
        var x = Tensor.FromArray(xRows.SelectMany(r => r.EnumerateArray().Select(v => v.GetSingle())).ToArray(), xRows.Count, cols);
        var yValues = root.GetProperty("y").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var y = Tensor.FromArray(yValues, yValues.Length, 1);
        var runs = new List<Run>();
        foreach (var run in root.GetProperty("runs").EnumerateArray())
        {
            var init = run.GetProperty("init").EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetSingle()).ToArray());
            runs.Add(new Run(run.GetProperty("optimizer").GetString()!, init, run.GetProperty("losses")[0].GetDouble()));
        }

        return (x, y, runs);
    }

    private static Sequential Build(Dictionary<string, float[]> init)
    {
        // Layer sizes from the recorded weights (a Linear weight is [out, in]), not restated.
        var hidden = init["0.bias"].Length;
        var model = new Sequential(new Linear(init["0.weight"].Length / hidden, hidden, new Rng(0)), new Descent.Nn.Tanh(),
            new Linear(hidden, init["2.bias"].Length, new Rng(0)));
        var state = model.StateDict();
        Assert.Equal(init.Keys.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, values) in init)
        {
            Assert.Equal(state[name].Length, values.Length);
            values.CopyTo(state[name].Span);
        }

        return model;
    }

    [Fact]
    public void StepZeroLossMatchesPyTorch()
    {
        var (x, y, runs) = Load();
        Assert.NotEmpty(runs);
        foreach (var run in runs)
        {
            var model = Build(run.Init);
            var loss = new MseLoss().Forward(model.Forward(x), y).Item();
            Assert.True(Math.Abs(loss - run.Loss0) <= 1e-5 * Math.Abs(run.Loss0),
                $"{run.Name}: loss {loss:R}, PyTorch {run.Loss0:R}");
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var (x, y, runs) = Load();
        var model = Build(runs[0].Init);
        var parameters = model.Parameters().Cast<Tensor>().ToArray();
        var xs = x.ToArray();
        var ys = y.ToArray();
        var n = ys.Length;
        var hidden = parameters[1].Length;
        var inputs = x.Dim(1);
        Assert.Equal(1, y.Dim(1)); // the reference below has one output
        var result = GradCheck.Run(
            _ => new MseLoss().Forward(model.Forward(x), y),
            p =>
            {
                double[] w1 = p[0], b1 = p[1], w2 = p[2], b2 = p[3];
                var total = 0.0;
                for (var i = 0; i < n; i++)
                {
                    var output = b2[0];
                    for (var h = 0; h < hidden; h++)
                    {
                        var a = b1[h];
                        for (var j = 0; j < inputs; j++)
                        {
                            a += w1[(inputs * h) + j] * xs[(inputs * i) + j];
                        }

                        output += w2[h] * Math.Tanh(a);
                    }

                    total += (output - ys[i]) * (output - ys[i]);
                }

                return [total / n];
            },
            parameters);
        Assert.True(result.Passed, result.Report);
    }
}
