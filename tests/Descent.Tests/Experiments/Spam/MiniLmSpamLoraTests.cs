using Descent.Experiments.Spam;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Text.Classification;

namespace Descent.Tests.Experiments.Spam;

/// <summary>The <c>minilm-spam</c> task's <c>mode: "lora"</c> and its <c>lora</c> section.</summary>
public sealed class MiniLmSpamLoraTests
{
    private static string Spec(string task) => $$"""
        { "name": "lora", "task": { "kind": "minilm-spam", {{task}} },
          "budget": { "epochs": 1 }, "seeds": [3], "optimizers": [ { "name": "adamw", "lr": 1e-3 } ] }
        """;

    [Fact]
    public void TheLoraSectionSetsTheAdapters()
    {
        var spec = SpecParser.Parse(Spec("\"mode\": \"lora\", \"lora\": { \"r\": 4, \"alpha\": 8, \"dropout\": 0.1, \"target_modules\": [\"query\", \"value\"] }"), EngineCatalog.Instance);
        var options = ((MiniLmSpamTask)spec.Task.Definition.CreateRun(spec.Task, null)).Options(seed: 3, epochs: 1);
        Assert.Equal(FineTuneMode.Lora, options.Mode);
        Assert.Equal((4, 8.0, 0.1), (options.Lora.Rank, options.Lora.Alpha, options.Lora.Dropout));
        Assert.Equal(["query", "value"], options.Lora.TargetModules);
        Assert.Contains("lora_r=4", spec.Task.Definition.Fingerprint(spec.Task), StringComparison.Ordinal);
        var defaults = SpecParser.Parse(Spec("\"mode\": \"lora\""), EngineCatalog.Instance);
        Assert.Equal(TextFineTuneOptions.DefaultLora, ((MiniLmTaskSettings)defaults.Task.Settings!).Lora);
    }

    [Fact]
    public void PlusTurnsOnLoraPlusAndZeroLeavesItOff()
    {
        var spec = SpecParser.Parse(Spec("\"mode\": \"lora\", \"lora\": { \"plus\": 16 }"), EngineCatalog.Instance);
        Assert.Equal(16, ((MiniLmSpamTask)spec.Task.Definition.CreateRun(spec.Task, null)).Options(seed: 3, epochs: 1).LoraPlusRatio);
        var fingerprint = spec.Task.Definition.Fingerprint(spec.Task);
        Assert.Contains("lora_plus=16", fingerprint, StringComparison.Ordinal);

        // 0 is off: the same task (and fingerprint, so the same stored runs) as no plus at all.
        var off = SpecParser.Parse(Spec("\"mode\": \"lora\", \"lora\": { \"plus\": 0 }"), EngineCatalog.Instance);
        var none = SpecParser.Parse(Spec("\"mode\": \"lora\""), EngineCatalog.Instance);
        Assert.Null(((MiniLmTaskSettings)off.Task.Settings!).LoraPlus);
        Assert.Equal(none.Task.Definition.Fingerprint(none.Task), off.Task.Definition.Fingerprint(off.Task));
    }

    [Theory]
    [InlineData("\"mode\": \"lora\", \"lora\": { \"plus\": -1 }", "$.task.lora.plus: must be the LoRA+ ratio")]
    [InlineData("\"mode\": \"lora\", \"lora\": { \"plus\": \"16\" }", "$.task.lora.plus: must be the LoRA+ ratio")]
    [InlineData("\"mode\": \"full\", \"lora\": { \"r\": 4 }", "$.task.lora: applies to mode \"lora\" only")]
    [InlineData("\"mode\": \"lora\", \"lora\": { \"r\": 0 }", "$.task.lora.r: Rank must be >= 1, got 0")]
    [InlineData("\"mode\": \"lora\", \"lora\": { \"alpha\": \"big\" }", "$.task.lora.alpha: must be a number")]
    [InlineData("\"mode\": \"lora\", \"lora\": { \"target_modules\": [] }", "$.task.lora.target_modules: must be a non-empty list of module names")]
    [InlineData("\"mode\": \"lora\", \"lora\": { \"rank\": 4 }", "$.task.lora.rank: unknown key")]
    [InlineData("\"mode\": \"lora\", \"lora\": 8", "$.task.lora: must be an object")]
    public void BadLoraSectionsAreRejectedWithTheirPath(string task, string message)
    {
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(Spec(task), EngineCatalog.Instance));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
