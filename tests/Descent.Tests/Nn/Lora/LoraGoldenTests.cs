using System.Text.Json;
using Descent.Nn;
using Descent.Nn.Lora;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Nn.Lora;

/// <summary>lora.json: PEFT's LoRA Linear recorded with PyTorch — forward, gradients, 10 AdamW steps on A and B,
/// the final optimizer state and the merged weight, each at rtol 1e-5 / atol 1e-6.</summary>
[Trait("Category", "Parity")]
public class LoraGoldenTests
{
    private const double Rtol = 1e-5;
    private const double Atol = 1e-6;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Root().GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndGradientsMatchPyTorch(string name)
    {
        var c = Case(name);
        var (model, layer) = Build(c);
        var first = c.GetProperty("first");
        var x = Shaped(first.GetProperty("x"), XShape(c));
        x.RequiresGrad = true;
        var target = Shaped(first.GetProperty("target"), OutShape(c));
        var close = new Closeness(Rtol, Atol);

        var output = model.Forward(x);
        close.Check(output.Span, Doubles(first.GetProperty("output")), $"{name} output");
        var plain = new Linear(layer.InFeatures, layer.OutFeatures, new Rng(0), layer.Bias is not null);
        plain.Weight.CopyFrom(layer.Weight);
        plain.Bias?.CopyFrom(layer.Bias!);
        close.Check(plain.Forward(x.Detach()).Span, Doubles(first.GetProperty("base_output")), $"{name} base_output");

        var loss = new MseLoss().Forward(output, target);
        Assert.True(Math.Abs(loss.Item() - first.GetProperty("loss").GetDouble()) <= Rtol * Math.Abs(first.GetProperty("loss").GetDouble()),
            $"{name} loss {loss.Item():R}, PyTorch {first.GetProperty("loss").GetDouble():R}");
        loss.Backward();
        close.Check(layer.Adapter!.A.Weight.Grad!.Span, Doubles(first.GetProperty("grad_lora_A")), $"{name} grad_lora_A");
        close.Check(layer.Adapter.B.Weight.Grad!.Span, Doubles(first.GetProperty("grad_lora_B")), $"{name} grad_lora_B");
        close.Check(x.Grad!.Span, Doubles(first.GetProperty("grad_x")), $"{name} grad_x");
        Assert.Null(layer.Weight.Grad);
        Assert.Null(layer.Bias?.Grad);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AdamWStepsStateAndMergedWeightMatchPyTorch(string name)
    {
        var c = Case(name);
        var (model, layer) = Build(c);
        var train = c.GetProperty("train");
        Assert.Equal("AdamW", train.GetProperty("optimizer").GetString(), StringComparer.OrdinalIgnoreCase);
        var betas = Doubles(train.GetProperty("betas"));
        var a = layer.Adapter!.A.Weight;
        var b = layer.Adapter.B.Weight;
        var optimizer = new AdamW([a, b], new AdamWOptions
        {
            LearningRate = train.GetProperty("lr").GetDouble(),
            WeightDecay = train.GetProperty("weight_decay").GetDouble(),
            Beta1 = betas[0],
            Beta2 = betas[1],
            Epsilon = train.GetProperty("eps").GetDouble(),
        });
        var close = new Closeness(Rtol, Atol);
        var xs = train.GetProperty("x");
        var losses = Doubles(train.GetProperty("losses"));
        Assert.Equal(xs.GetArrayLength(), losses.Length);
        for (var s = 0; s < losses.Length; s++)
        {
            optimizer.ZeroGrad();
            var loss = new MseLoss().Forward(model.Forward(Shaped(xs[s], XShape(c))), Shaped(train.GetProperty("target")[s], OutShape(c)));
            Assert.True(Math.Abs(loss.Item() - losses[s]) <= Rtol * Math.Abs(losses[s]), $"{name} step {s}: loss {loss.Item():R}, PyTorch {losses[s]:R}");
            loss.Backward();
            optimizer.Step();
            close.Check(a.Span, Doubles(train.GetProperty("lora_A")[s]), $"{name} lora_A after step {s}");
            close.Check(b.Span, Doubles(train.GetProperty("lora_B")[s]), $"{name} lora_B after step {s}");
        }

        var final = train.GetProperty("state_final");
        foreach (var (key, p) in new[] { ("lora_A", a), ("lora_B", b) })
        {
            var state = (AdamState)optimizer.GetState(p)!;
            Assert.Equal(final.GetProperty(key).GetProperty("step").GetDouble(), state.Step);
            close.Check(state.ExpAvg.Span, Doubles(final.GetProperty(key).GetProperty("exp_avg")), $"{name} {key} exp_avg");
            close.Check(state.ExpAvgSq.Span, Doubles(final.GetProperty(key).GetProperty("exp_avg_sq")), $"{name} {key} exp_avg_sq");
        }

        close.Check(layer.Adapter.MergedWeight().Span, Doubles(c.GetProperty("merged_weight")), $"{name} merged_weight");
        Assert.Equal(AdapterNames(c).Order(StringComparer.Ordinal), FineTuning.TrainableNames(model).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScalingAndKeysAreThoseRecorded(string name)
    {
        var c = Case(name);
        var (model, _) = Build(c);
        Assert.Equal(c.GetProperty("scaling").GetDouble(), OptionsOf(c).Scaling, 12);
        var keys = c.GetProperty("keys");
        var saved = PeftAdapterFiles.AdapterTensorNames(model, OptionsOf(c));
        Assert.Equal([keys.GetProperty("lora_A").GetString()!, keys.GetProperty("lora_B").GetString()!], saved);
    }

    internal static JsonElement Root()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Golden.File("lora.json")));
        return doc.RootElement.Clone();
    }

    internal static JsonElement Case(string name) =>
        Root().GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>The options the case's adapter_config describes (the seed is irrelevant: A and B are set from the file).</summary>
    internal static LoraOptions OptionsOf(JsonElement c)
    {
        var config = c.GetProperty("adapter_config");
        return new LoraOptions
        {
            Rank = config.GetProperty("r").GetInt32(),
            Alpha = config.GetProperty("lora_alpha").GetDouble(),
            UseRsLora = config.GetProperty("use_rslora").GetBoolean(),
            TargetModules = [.. config.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()!)],
        };
    }

    /// <summary>A model whose one module (named as the recorded keys say) is the case's base layer, with its
    /// adapter set to the recorded initial A and B.</summary>
    internal static (NamedChain Model, Linear Layer) Build(JsonElement c)
    {
        var inF = c.GetProperty("in_features").GetInt32();
        var outF = c.GetProperty("out_features").GetInt32();
        var options = OptionsOf(c);
        var layer = new Linear(inF, outF, new Rng(0), c.GetProperty("bias").GetBoolean());
        var model = new NamedChain((options.TargetModules[0], layer));
        layer.Weight.CopyFrom(Shaped(c.GetProperty("base_weight"), outF, inF));
        if (layer.Bias is not null)
        {
            layer.Bias.CopyFrom(Shaped(c.GetProperty("base_bias"), outF));
        }

        Assert.Equal([options.TargetModules[0]], LoraAdapters.Apply(model, options));
        layer.Adapter!.A.Weight.CopyFrom(Shaped(c.GetProperty("lora_A_init"), options.Rank, inF));
        layer.Adapter.B.Weight.CopyFrom(Shaped(c.GetProperty("lora_B_init"), outF, options.Rank));
        return (model, layer);
    }

    internal static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetDouble())];

    private static HashSet<string> AdapterNames(JsonElement c) =>
        [$"{OptionsOf(c).TargetModules[0]}.lora_A.weight", $"{OptionsOf(c).TargetModules[0]}.lora_B.weight"];

    private static int[] XShape(JsonElement c) => [.. c.GetProperty("x_shape").EnumerateArray().Select(v => v.GetInt32())];

    private static int[] OutShape(JsonElement c)
    {
        var shape = XShape(c);
        shape[^1] = c.GetProperty("out_features").GetInt32();
        return shape;
    }

    private static Tensor Shaped(JsonElement array, params int[] shape) =>
        Tensor.FromArray([.. array.EnumerateArray().Select(v => v.GetSingle())], shape);
}
