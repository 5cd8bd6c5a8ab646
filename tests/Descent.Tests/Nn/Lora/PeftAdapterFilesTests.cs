using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Checkpoints;
using Descent.Nn;
using Descent.Nn.Lora;

namespace Descent.Tests.Nn.Lora;

public sealed class PeftAdapterFilesTests : IDisposable
{
    private static readonly LoraOptions Options = new()
    {
        Rank = 3, Alpha = 6, TargetModules = ["query", "value"], ModulesToSave = ["classifier"], Seed = 2,
        BaseModelNameOrPath = "tiny", TaskType = "SEQ_CLS",
    };

    private readonly string dir = Directory.CreateTempSubdirectory("descent-lora-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private NamedChain SavedModel()
    {
        var model = NamedChain.Small(1);
        LoraAdapters.Apply(model, Options);
        LoraAdaptersTests.PerturbB(model);
        PeftAdapterFiles.Save(dir, model, Options);
        return model;
    }

    [Fact]
    public void AdapterRoundTripsThroughPeftFiles()
    {
        var model = SavedModel();
        var file = SafetensorsFile.Read(Path.Combine(dir, PeftAdapterFiles.WeightsFileName));
        Assert.Equal(
            ["base_model.model.blocks.0.query.lora_A.weight", "base_model.model.blocks.0.query.lora_B.weight",
             "base_model.model.blocks.0.value.lora_A.weight", "base_model.model.blocks.0.value.lora_B.weight",
             "base_model.model.blocks.1.query.lora_A.weight", "base_model.model.blocks.1.query.lora_B.weight",
             "base_model.model.blocks.1.value.lora_A.weight", "base_model.model.blocks.1.value.lora_B.weight",
             "base_model.model.classifier.weight", "base_model.model.classifier.bias"],
            file.Tensors.Select(t => t.Name));

        var fresh = NamedChain.Small(1);
        var loaded = PeftAdapterFiles.Load(dir, fresh);
        Assert.Equal(Options with { Seed = 0 }, loaded);
        Assert.Equal(FineTuning.TrainableNames(model), FineTuning.TrainableNames(fresh));
        var expected = model.StateDict();
        foreach (var (name, tensor) in fresh.StateDict())
        {
            Assert.Equal(expected[name].ToArray(), tensor.ToArray());
        }

        Assert.Equal(model.Forward(LoraAdaptersTests.Input()).ToArray(), fresh.Forward(LoraAdaptersTests.Input()).ToArray());
    }

    [Fact]
    public void ConfigHasPeftsFields()
    {
        SavedModel();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, PeftAdapterFiles.ConfigFileName)))!.AsObject();
        var fields = LoraGoldenTests.Root().GetProperty("peft_adapter_config_fields").EnumerateArray().Select(f => f.GetString()!);
        Assert.All(fields, f => Assert.True(config.ContainsKey(f), $"adapter_config.json lacks '{f}'"));
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal(3, (int)config["r"]!);
        Assert.Equal(6, (int)config["lora_alpha"]!);
        Assert.Equal(["query", "value"], config["target_modules"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("none", (string?)config["bias"]);
        Assert.Equal("SEQ_CLS", (string?)config["task_type"]);
        Assert.False((bool)config["fan_in_fan_out"]!);
    }

    [Fact]
    public void GoldenAdapterConfigsRead()
    {
        foreach (var c in LoraGoldenTests.Root().GetProperty("cases").EnumerateArray())
        {
            File.WriteAllText(Path.Combine(dir, PeftAdapterFiles.ConfigFileName), c.GetProperty("adapter_config").GetRawText());
            var options = PeftAdapterFiles.ReadConfig(dir);
            Assert.Equal(c.GetProperty("scaling").GetDouble(), options.Scaling, 12);
            Assert.Equal(c.GetProperty("r").GetInt32(), options.Rank);
        }
    }

    [Fact]
    public void MergedExportLoadsIntoTheBaseModel()
    {
        var model = SavedModel();
        var path = Path.Combine(dir, "merged.safetensors");
        PeftAdapterFiles.ExportMerged(path, model);
        var plain = NamedChain.Small(99);
        plain.LoadStateDict(SafetensorsFile.Read(path).Tensors.ToDictionary(t => t.Name, t => t.ToTensor()));
        var a = model.Forward(LoraAdaptersTests.Input()).ToArray();
        var b = plain.Forward(LoraAdaptersTests.Input()).ToArray();
        Assert.All(Enumerable.Range(0, a.Length), i => Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 * (1 + Math.Abs(a[i])), $"{i}: {a[i]} vs {b[i]}"));
        Assert.False(LoraAdapters.Find(model)[0].Adapter.IsMerged);
    }

    [Theory]
    [InlineData("r", "0", "r")]
    [InlineData("r", "-2", "r")]
    [InlineData("lora_alpha", "0", "lora_alpha")]
    [InlineData("lora_dropout", "1.5", "lora_dropout")]
    [InlineData("target_modules", "[\"query\", \"missing\"]", "target_modules")]
    [InlineData("target_modules", "null", "target_modules")]
    [InlineData("peft_type", "null", "peft_type")]
    [InlineData("peft_type", "\"IA3\"", "peft_type")]
    [InlineData("bias", "\"some\"", "bias")]
    [InlineData("fan_in_fan_out", "true", "fan_in_fan_out")]
    [InlineData("r", "2", "base_model.model.blocks.0.query.lora_A.weight")]
    public void BadAdapterFailsNamingTheKeyBeforeChangingTheModel(string key, string json, string entry)
    {
        SavedModel();
        var configPath = Path.Combine(dir, PeftAdapterFiles.ConfigFileName);
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config[key] = JsonNode.Parse(json);
        if (json == "null")
        {
            config.Remove(key);
        }

        File.WriteAllText(configPath, config.ToJsonString());
        var fresh = NamedChain.Small(1);
        var e = Assert.Throws<CheckpointException>(() => PeftAdapterFiles.Load(dir, fresh));
        Assert.Equal(entry, e.Entry);
        Assert.Contains(entry, e.Message, StringComparison.Ordinal);
        Assert.Empty(LoraAdapters.Find(fresh));
        Assert.All(fresh.Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void UnexpectedTensorIsNamed()
    {
        var model = SavedModel();
        var weights = Path.Combine(dir, PeftAdapterFiles.WeightsFileName);
        var tensors = SafetensorsFile.Read(weights).Tensors.Append(SafetensorsTensor.FromTensor("base_model.model.blocks.0.norm.weight", Tensor.Zeros(6)));
        SafetensorsFile.Write(weights, tensors);
        var e = Assert.Throws<CheckpointException>(() => PeftAdapterFiles.Load(dir, NamedChain.Small(1)));
        Assert.Equal("base_model.model.blocks.0.norm.weight", e.Entry);
        Assert.NotNull(model);
    }

    [Fact]
    public void TheShapeMismatchMessageSaysWhatTheBaseNeeds()
    {
        SavedModel();
        var bigger = new NamedChain(("blocks", new NamedChain(("0", new NamedChain(("query", new Descent.Nn.Linear(8, 6, new Rng(0))))))));
        var options = new LoraOptions { Rank = 3, Alpha = 6, TargetModules = ["query"] };
        var other = Directory.CreateTempSubdirectory("descent-lora-").FullName;
        try
        {
            var small = new NamedChain(("blocks", new NamedChain(("0", new NamedChain(("query", new Descent.Nn.Linear(6, 6, new Rng(0))))))));
            LoraAdapters.Apply(small, options);
            PeftAdapterFiles.Save(other, small, options);
            var e = Assert.Throws<CheckpointException>(() => PeftAdapterFiles.Load(other, bigger));
            Assert.Contains("has shape [3, 6], but the base model needs [3, 8]", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }
}
