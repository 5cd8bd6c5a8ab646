using System.Text.Json;
using Descent.Checkpoints;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Nn;

/// <summary>
/// cnn.safetensors + cnn.json (PyTorch 2.11): the network
/// Conv2d(1,8,3,p=1) BatchNorm2d ReLU MaxPool2d(2) Conv2d(8,16,3) ReLU MaxPool2d(2) Flatten Linear GELU
/// Dropout(0) Linear, with every channel and layer size read from the file's shapes, loaded strictly from the
/// safetensors state_dict, reproduces the eval logits, train logits, loss and every parameter gradient
/// within rtol 1e-4 / atol 1e-5.
/// </summary>
[Trait("Category", "Parity")]
public sealed class CnnGoldenTests
{
    private const double Rtol = 1e-4;
    private const double Atol = 1e-5;

    private static readonly Dictionary<string, double> Worst = [];

    private static Sequential Build(SafetensorsFile file)
    {
        int[] Shape(string name) => [.. file[name].Shape];
        var conv1 = Shape("0.weight");
        var conv2 = Shape("4.weight");
        var fc1 = Shape("8.weight");
        var fc2 = Shape("11.weight");
        var rng = new Rng(0);
        return new Sequential(
            new Conv2d(conv1[1], conv1[0], (conv1[2], conv1[3]), rng, (1, 1), (conv1[2] / 2, conv1[3] / 2)),
            new BatchNorm2d(Shape("1.weight")[0]),
            new Relu(),
            new MaxPool2d(2),
            new Conv2d(conv2[1], conv2[0], (conv2[2], conv2[3]), rng, (1, 1), (0, 0)),
            new Relu(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear(fc1[1], fc1[0], rng),
            new Gelu(),
            new Dropout(0.0),
            new Linear(fc2[1], fc2[0], rng));
    }

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private static void AssertClose(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var worstIndex = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var excess = Math.Abs(actual[i] - expected[i]) / (Atol + (Rtol * Math.Abs(expected[i])));
            if (!(excess <= worst))
            {
                worst = excess;
                worstIndex = i;
            }
        }

        if (worst > 1.0)
        {
            Assert.Fail($"{what}[{worstIndex}]: expected {expected[worstIndex]:R}, got {actual[worstIndex]:R} ({worst:F2}× the rtol {Rtol}/atol {Atol} budget)");
        }

        Worst[what] = worst;
    }

    [Fact]
    public void ReproducesPyTorchLogitsLossAndGradients()
    {
        var file = SafetensorsFile.Read(Golden.File("cnn.safetensors"));
        using var doc = JsonDocument.Parse(File.ReadAllText(Golden.File("cnn.json")));
        var root = doc.RootElement;
        var model = Build(file);

        var declared = root.GetProperty("state_dict_keys").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetInt32()).ToArray());
        var state = model.StateDict();
        Assert.Equal(declared.Keys.Order(StringComparer.Ordinal), state.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in declared)
        {
            Assert.Equal(shape, state[name].Shape.ToArray());
        }

        var result = model.LoadStateDict(file.Tensors.ToDictionary(t => t.Name, t => t.ToTensor()), strict: true);
        Assert.True(result.IsExactMatch, result.Describe());
        Assert.Equal(declared.Count, result.LoadedKeys.Count); // every key cnn.json declares (was the restated count 13)

        var inputShape = root.GetProperty("input_shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var input = Tensor.FromArray(Floats(root.GetProperty("input")), inputShape);
        var labels = root.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToArray();

        model.Eval();
        using (Descent.Autodiff.Tape.NoGrad())
        {
            AssertClose("logits_eval", Floats(root.GetProperty("logits_eval")), model.Forward(input).Span);
        }

        model.Train();
        var logits = model.Forward(input);
        AssertClose("logits_train", Floats(root.GetProperty("logits_train")), logits.Span);
        var loss = new CrossEntropyLoss().Forward(logits, labels);
        AssertClose("loss_train", [root.GetProperty("loss_train").GetSingle()], [loss.Item()]);
        loss.Backward();
        var grads = root.GetProperty("grads_train").EnumerateObject().ToList();
        Assert.Equal(model.NamedParameters().Select(p => p.Name).Order(StringComparer.Ordinal), grads.Select(g => g.Name).Order(StringComparer.Ordinal));
        var parameters = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var g in grads)
        {
            AssertClose($"grad {g.Name}", Floats(g.Value), parameters[g.Name].Grad!.Span);
        }

        // Report the used fraction of the tolerance budget per quantity (visible with --logger "console;verbosity=detailed").
        Console.WriteLine(string.Join(Environment.NewLine, Worst.Select(kv => $"{kv.Key}: {kv.Value:F3} of the budget")));
    }
}
