using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Text.Json;
using Descent.Cli;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Tests.Infrastructure;
using Descent.Tests.Lab;

namespace Descent.Tests.Cli;

/// <summary>
/// Issue 15: the bad inputs as data, as PyTorch's <c>optim_error_inputs_func</c> — for every optimizer hyperparameter (from
/// the registry's declarations, so a new optimizer is covered by its hyperparameters' rows), every spec field (from the
/// schema and the registered task keys) and every command-line option (from the command tree): invalid values and the
/// message fragment expected. Each table has a test that every declared item has at least one row.
/// </summary>
public sealed class BadInputTableTests
{
    // ---- optimizer hyperparameters --------------------------------------------------------------------------------

    /// <summary>Invalid values of each numeric hyperparameter (by boundary name) and the message fragment. The values are
    /// invalid for every optimizer that declares the name.</summary>
    private static readonly Dictionary<string, (double[] Values, string Fragment)> NumberRows = new(StringComparer.Ordinal)
    {
        ["lr"] = ([-1, double.NaN, double.PositiveInfinity], "must be finite and >= 0"),
        ["eps"] = ([-1e-8, double.NaN, double.PositiveInfinity], "must be finite and >"),
        ["eps_root"] = ([-1, double.NaN], "must be finite and >= 0"),
        ["weight_decay"] = ([-0.01, double.NaN, double.NegativeInfinity], "must be finite and >= 0"),
        ["weight_decay_rate"] = ([-0.01, double.NaN], "must be"),
        ["momentum"] = ([-0.5, double.NaN], "must be"),
        ["dampening"] = ([-0.1, 1.5, double.NaN], "must be in [0, 1]"),
        ["beta1"] = ([-0.1, 1.5, double.NaN], "must be in "),
        ["beta2"] = ([-0.1, 1.5, double.NaN], "must be in "),
        ["alpha"] = ([-0.1, 1.5, double.NaN], "must be in [0, 1]"),
        ["rho"] = ([-0.1, 1.5, double.NaN], "must be in [0, 1]"),
        ["lr_decay"] = ([-1, double.NaN], "must be finite and >= 0"),
        ["initial_accumulator_value"] = ([-1, double.NaN], "must be finite and >"),
        ["momentum_decay"] = ([-1, double.NaN], "must be finite and >= 0"),
        ["weight_lr_power"] = ([-1, double.NaN], "must be finite and >= 0"),
        ["etas1"] = ([0, 1, double.NaN], "must be in (0, 1)"),
        ["etas2"] = ([1, 0.5, double.NaN], "must be in (1, ∞)"),
        ["step_sizes1"] = ([-1, double.NaN], "must be finite and >= 0"),
        ["step_sizes2"] = ([-1, double.NaN], "must be finite and >= 0"),
        ["decay_rate"] = ([0, -1, double.NaN], "must be finite and > 0"),
        ["clipping_threshold"] = ([-1, double.NaN], "must be"),
        ["ns_coefficients1"] = ([double.NaN, double.PositiveInfinity], "must be finite"),
        ["ns_coefficients2"] = ([double.NaN, double.NegativeInfinity], "must be finite"),
        ["ns_coefficients3"] = ([double.NaN, double.PositiveInfinity], "must be finite"),
        ["adamw_lr"] = ([-1, double.NaN], "must be finite and >= 0"),
        ["adamw_weight_decay"] = ([-1, double.NaN], "must be finite and >= 0"),
    };

    /// <summary>Every declared hyperparameter of every registered optimizer with an invalid value and the fragment expected:
    /// numbers from <see cref="NumberRows"/>, integers 1.5, flags 2, choices an unknown name.</summary>
    public static TheoryData<string, string, string, string> OptimizerRows()
    {
        var rows = new TheoryData<string, string, string, string>();
        foreach (var name in OptimizerRegistry.Names)
        {
            foreach (var h in OptimizerRegistry.Get(name).Hyperparameters)
            {
                switch (h.Kind)
                {
                    case HyperparameterKind.Flag:
                        rows.Add(name, h.Name, "2", "is a flag and must be 0 or 1");
                        break;
                    case HyperparameterKind.Integer:
                        rows.Add(name, h.Name, "1.5", "must be an integer");
                        break;
                    case HyperparameterKind.Choice:
                        rows.Add(name, h.Name, "bogus", $"{h.Name} must be ");
                        break;
                    default:
                        if (NumberRows.TryGetValue(h.Name, out var row))
                        {
                            foreach (var v in row.Values)
                            {
                                rows.Add(name, h.Name, v.ToString("R", CultureInfo.InvariantCulture), row.Fragment);
                            }
                        }

                        break;
                }
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(OptimizerRows))]
    public void EveryOptimizerHyperparameterRejectsItsInvalidValues(string optimizer, string hyperparameter, string value, string fragment)
    {
        var choice = OptimizerRegistry.Get(optimizer).Hyperparameters.Single(h => h.Name == hyperparameter).Kind == HyperparameterKind.Choice;
        var e = Assert.ThrowsAny<ArgumentException>(() => OptimizerRegistry.Create(optimizer, [new Parameter(3)],
            choice ? null : new Dictionary<string, double> { [hyperparameter] = double.Parse(value, CultureInfo.InvariantCulture) },
            choice ? new Dictionary<string, string> { [hyperparameter] = value } : null));
        var message = Printable.Describe(e).Replace("Infinity", "∞", StringComparison.Ordinal);
        Assert.Contains(fragment, message, StringComparison.Ordinal);
        Assert.Contains(choice ? $"'{value}'" : $"got {value.Replace("Infinity", "∞", StringComparison.Ordinal)}", message, StringComparison.Ordinal);

        if (!choice && double.IsFinite(double.Parse(value, CultureInfo.InvariantCulture)))
        {
            // The same value in a spec is refused by the spec parser, naming the optimizer entry.
            var ex = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(
                $$"""{"name":"t","task":{"kind":"rosenbrock"},"budget":{"steps":1},"seeds":[0],"optimizers":[{"name":"{{optimizer}}","{{hyperparameter}}":{{value}}}]}""",
                EngineCatalog.Instance));
            Assert.Contains("$.optimizers[0]", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryDeclaredHyperparameterHasARow()
    {
        var covered = OptimizerRows().Select(r => $"{r[0]}.{r[1]}").ToHashSet(StringComparer.Ordinal);
        var missing = OptimizerRegistry.Names.SelectMany(n => OptimizerRegistry.Get(n).Hyperparameters.Select(h => $"{n}.{h.Name}"))
            .Where(k => !covered.Contains(k)).ToList();
        Assert.True(missing.Count == 0, $"no invalid-value row (NumberRows) for {string.Join(", ", missing)}");
    }

    // ---- spec fields ------------------------------------------------------------------------------------------------

    private static string Spec(string task = """{"kind":"rosenbrock"}""", string rest = "") =>
        $$"""{"name":"t","task":{{task}},"budget":{"steps":5},"seeds":[0],"optimizers":[{"name":"sgd","lr":0.1}]{{rest}}}""";

    /// <summary>One invalid spec per field: the field, the spec, the fragment expected.</summary>
    public static TheoryData<string, string, string> SpecRows() => new()
    {
        { "name", Spec().Replace("\"name\":\"t\"", "\"name\":5", StringComparison.Ordinal), "$.name: " },
        { "description", Spec(rest: ",\"description\":[1]"), "$.description: " },
        { "$schema", Spec(rest: ",\"$schema\":5"), "$[\"$schema\"]: " },
        { "task", Spec(task: "5"), "$.task: " },
        { "budget", Spec().Replace("{\"steps\":5}", "{}", StringComparison.Ordinal), "$.budget: " },
        { "budget.steps", Spec().Replace("{\"steps\":5}", "{\"steps\":0}", StringComparison.Ordinal), "$.budget.steps: must be in [1, 10000000]" },
        { "budget.epochs", Spec().Replace("{\"steps\":5}", "{\"epochs\":-1}", StringComparison.Ordinal), "$.budget.epochs: " },
        { "seeds", Spec().Replace("[0]", "[-1]", StringComparison.Ordinal), "$.seeds[0]: " },
        { "target", Spec(rest: ",\"target\":5"), "$.target: " },
        { "target.metric", Spec(rest: ",\"target\":{\"metric\":\"nope\",\"value\":1}"), "$.target.metric: " },
        { "target.value", Spec(rest: ",\"target\":{\"metric\":\"loss\",\"value\":\"x\"}"), "$.target.value: " },
        { "target.goal", Spec(rest: ",\"target\":{\"metric\":\"loss\",\"value\":1,\"goal\":\"up\"}"), "$.target.goal: " },
        { "schedule", Spec(rest: ",\"schedule\":{\"type\":\"nope\"}"), "$.schedule" },
        { "optimizers", Spec().Replace("[{\"name\":\"sgd\",\"lr\":0.1}]", "[]", StringComparison.Ordinal), "$.optimizers: " },
        { "early_stopping", Spec(rest: ",\"early_stopping\":5"), "$.early_stopping: " },
        { "early_stopping.method", Spec(rest: ",\"early_stopping\":{\"method\":\"hyperband\",\"metric\":\"loss\"}"), "$.early_stopping.method: unknown method 'hyperband'" },
        { "early_stopping.metric", Spec(rest: ",\"early_stopping\":{\"method\":\"asha\",\"metric\":\"nope\"}"), "$.early_stopping.metric: " },
        { "early_stopping.goal", Spec(rest: ",\"early_stopping\":{\"method\":\"asha\",\"metric\":\"loss\",\"goal\":\"up\"}"), "$.early_stopping.goal: " },
        { "early_stopping.reduction_factor", Spec(rest: ",\"early_stopping\":{\"method\":\"asha\",\"metric\":\"loss\",\"reduction_factor\":1}"), "$.early_stopping.reduction_factor: must be in (1, 100]" },
        { "early_stopping.min_budget", Spec(rest: ",\"early_stopping\":{\"method\":\"asha\",\"metric\":\"loss\",\"min_budget\":5}"), "$.early_stopping.min_budget: must be below the budget (5 steps)" },
        { "ranks", Spec(rest: ",\"ranks\":0"), "$.ranks: must be in [1, 1024] (the processes every run trains on), got 0" },
        { "task.kind", Spec(task: """{"kind":"nope"}"""), "$.task.kind: " },
        { "task.hidden", Spec(task: """{"kind":"digits-mlp","hidden":[0]}"""), "$.task.hidden[0]: " },
        { "task.batch_size", Spec(task: """{"kind":"digits-mlp","batch_size":0}"""), "$.task.batch_size: " },
        { "task.start", Spec(task: """{"kind":"rosenbrock","start":[1]}"""), "$.task.start: " },
        { "task.noise", Spec(task: """{"kind":"noisy-quadratic","noise":-1}"""), "$.task.noise: " },
        { "task.l2", Spec(task: """{"kind":"digits-mlp","l2":-1}"""), "$.task.l2: " },
        { "task.data", Spec(task: """{"kind":"digits-mlp","data":5}"""), "$.task.data: " },
        { "task.samples", Spec(task: """{"kind":"mlp-regression","samples":1}"""), "$.task.samples: " },
        { "task.mode", Spec(task: """{"kind":"minilm-spam","mode":"some"}"""), "$.task.mode: " },
        { "task.top_k", Spec(task: """{"kind":"minilm-spam","mode":"top-k","top_k":0}"""), "$.task.top_k: " },
        { "task.head", Spec(task: """{"kind":"minilm-spam","head":"deep"}"""), "$.task.head: " },
        { "task.features", Spec(task: """{"kind":"minilm-spam","features":"all"}"""), "$.task.features: " },
        { "task.init", Spec(task: """{"kind":"minilm-spam","mode":"head","init":"probe"}"""), "$.task.init: " },
        { "task.max_length", Spec(task: """{"kind":"minilm-spam","max_length":1}"""), "$.task.max_length: " },
        { "task.train_limit", Spec(task: """{"kind":"minilm-spam","train_limit":0}"""), "$.task.train_limit: " },
        { "task.labels_per_class", Spec(task: """{"kind":"fashion-transfer","labels_per_class":0}"""), "$.task.labels_per_class: " },
        { "task.validation_per_class", Spec(task: """{"kind":"fashion-transfer","validation_per_class":5001}"""), "$.task.validation_per_class: " },
        { "task.pretrained", Spec(task: """{"kind":"fashion-transfer","pretrained":"yes"}"""), "$.task.pretrained: " },
        { "task.weights", Spec(task: """{"kind":"fashion-transfer","weights":""}"""), "$.task.weights: " },
        { "task.pretrain_epochs", Spec(task: """{"kind":"fashion-transfer","pretrain_epochs":0}"""), "$.task.pretrain_epochs: " },
        { "task.pretrain_per_class", Spec(task: """{"kind":"fashion-transfer","pretrain_per_class":1}"""), "$.task.pretrain_per_class: " },
        { "task.width", Spec(task: """{"kind":"fashion-transfer","width":65}"""), "$.task.width: " },
        { "task.lora", Spec(task: """{"kind":"minilm-spam","mode":"lora","lora":5}"""), "$.task.lora" },
        { "task.lora.plus", Spec(task: """{"kind":"minilm-spam","mode":"lora","lora":{"plus":-16}}"""), "$.task.lora.plus: " },
        { "task.train", Spec(task: """{"kind":"csv","train":5,"target":"y"}"""), "$.task.train: " },
        { "task.validation", Spec(task: """{"kind":"csv","train":"a.csv","target":"y","validation":5}"""), "$.task.validation: " },
        { "task.target", Spec(task: """{"kind":"csv","train":"a.csv","target":5}"""), "$.task.target: " },
        { "task.problem", Spec(task: """{"kind":"csv","train":"a.csv","target":"y","problem":"ranking"}"""), "$.task.problem: " },
        { "task.standardize", Spec(task: """{"kind":"csv","train":"a.csv","target":"y","standardize":"yes"}"""), "$.task.standardize: " },
        { "task.model", Spec(task: """{"kind":"csv","train":"a.csv","target":"y","model":5}"""), "$.task.model" },
        { "task.validation_fraction", Spec(task: """{"kind":"csv","train":"a.csv","target":"y","validation_fraction":1.5}"""), "$.task.validation_fraction: " },
        { "task.train_images", Spec(task: """{"kind":"idx","train_images":5,"train_labels":"l.idx"}"""), "$.task.train_images: " },
        { "task.train_labels", Spec(task: """{"kind":"idx","train_images":"i.idx","train_labels":5}"""), "$.task.train_labels: " },
        { "task.validation_images", Spec(task: """{"kind":"idx","train_images":"i.idx","train_labels":"l.idx","validation_images":5,"validation_labels":"v.idx"}"""), "$.task.validation_images: " },
        { "task.validation_labels", Spec(task: """{"kind":"idx","train_images":"i.idx","train_labels":"l.idx","validation_images":"v.idx","validation_labels":5}"""), "$.task.validation_labels: " },
    };

    [Theory]
    [MemberData(nameof(SpecRows))]
    public void EverySpecFieldRejectsAnInvalidValueWithItsJsonPath(string field, string json, string fragment)
    {
        var e = Assert.Throws<SpecValidationException>(() => SpecParser.Parse(json, EngineCatalog.Instance));
        Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"{field}: expected '{fragment}' in: {e.Message}");
    }

    [Fact]
    public void EverySpecFieldHasARow()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Golden.RepositoryRoot, "examples", "lab", "experiment.schema.json")));
        var fields = new List<string>();
        foreach (var p in schema.RootElement.GetProperty("properties").EnumerateObject())
        {
            fields.Add(p.Name);
            if (p.Name is "budget" or "target" or "early_stopping" && p.Value.TryGetProperty("properties", out var inner))
            {
                fields.AddRange(inner.EnumerateObject().Select(i => $"{p.Name}.{i.Name}"));
            }
        }

        fields.Add("task.kind");
        fields.AddRange(LabTaskRegistry.Default.Keys.Select(k => $"task.{k.Name}"));
        var covered = SpecRows().Select(r => (string)r[0]).ToHashSet(StringComparer.Ordinal);
        var missing = fields.Distinct().Where(f => !covered.Contains(f)).ToList();
        Assert.True(missing.Count == 0, $"no invalid-spec row for {string.Join(", ", missing)}");
    }

    // ---- command-line options ---------------------------------------------------------------------------------------

    /// <summary>One or more malformed command lines per option of every command, with the exit code and fragment.</summary>
    public static TheoryData<string, int, string> CliRows() => new()
    {
        { "demo --seed -1", ExitCodes.Usage, "--seed" },
        { "demo --steps 0", ExitCodes.Usage, "--steps" },
        { "demo --lr 0", ExitCodes.Usage, "--lr" },
        { "demo --out {dir}/a-file", ExitCodes.Error, "--out" },
        { "data subset --out {dir}/s --from {dir}/nothing-here", ExitCodes.Error, "nothing-here" },
        { "data subset --out {dir}/s --train-per-class -1", ExitCodes.Usage, "--train-per-class" },
        { "data subset --out {dir}/s --test-per-class -1", ExitCodes.Usage, "--test-per-class" },
        { "data subset --out {dir}/s --seed x", ExitCodes.Usage, "--seed" },
        { "data spam-subset --out {dir}/s.jsonl.gz --from {dir}/nothing-here", ExitCodes.Error, "nothing-here" },
        { "data spam-subset --out {dir}/s.jsonl.gz --ham -1", ExitCodes.Usage, "--ham" },
        { "data spam-subset --out {dir}/s.jsonl.gz --spam -1", ExitCodes.Usage, "--spam" },
        { "data spam-subset --out {dir}/s.jsonl.gz --seed x", ExitCodes.Usage, "--seed" },
        { "data spam-subset --out {dir}/s.jsonl.gz --max-chars 0", ExitCodes.Usage, "--max-chars" },
        { "data --data", ExitCodes.Usage, "--data" },
        { "data install minilm --from {dir}/nothing-here.nupkg --out {dir}/inst", ExitCodes.Error, "installing all-MiniLM-L6-v2 failed" },
        { "data install minilm --from {dir}/a-file --out {dir}/a-file/x", ExitCodes.Error, "installing all-MiniLM-L6-v2 failed" },
        { "data --spam", ExitCodes.Usage, "--spam" },
        { "pretrain --seed -1", ExitCodes.Usage, "--seed" },
        { "pretrain --epochs 0", ExitCodes.Usage, "--epochs" },
        { "pretrain --lr -1", ExitCodes.Usage, "--lr" },
        { "pretrain --data {dir}/nothing-here", ExitCodes.Error, "nothing-here" },
        { "pretrain --out {dir}/a-file", ExitCodes.Error, "--out" },
        { "pretrain --resume maybe", ExitCodes.Usage, "'maybe'" },
        { "pretrain --width 0", ExitCodes.Usage, "--width" },
        { "pretrain --per-class 6001", ExitCodes.Usage, "--per-class" },
        { "finetune --optimizer nosuch --out {dir}/o", ExitCodes.Error, "--optimizer nosuch" },
        { "finetune --freeze nothing.matches --out {dir}/o", ExitCodes.Error, "--freeze" },
        { "finetune --weights {dir}/nothing-here --out {dir}/o", ExitCodes.Error, "--weights" },
        { "finetune --labels-per-class 0", ExitCodes.Usage, "--labels-per-class" },
        { "finetune --steps 0", ExitCodes.Usage, "--steps" },
        { "finetune --repeats 0", ExitCodes.Usage, "--repeats" },
        { "finetune --validation-per-class 0", ExitCodes.Usage, "--validation-per-class" },
        { "finetune --body-lr-factor -1", ExitCodes.Usage, "--body-lr-factor" },
        { "finetune --transfer all", ExitCodes.Usage, "--transfer: Argument 'all' not recognized" },
        { "finetune --seed -1", ExitCodes.Usage, "--seed" },
        { "finetune --epochs 0", ExitCodes.Usage, "--epochs" },
        { "finetune --lr NaN", ExitCodes.Usage, "--lr" },
        { "finetune --data {dir}/nothing-here --out {dir}/o", ExitCodes.Error, "nothing-here" },
        { "finetune --out {dir}/a-file", ExitCodes.Error, "--out" },
        { "finetune --resume maybe", ExitCodes.Usage, "'maybe'" },
        { "finetune --width 65", ExitCodes.Usage, "--width" },
        { "finetune --task mail", ExitCodes.Usage, "--task: Argument 'mail' not recognized" },
        { "finetune --model gpt", ExitCodes.Usage, "--model: Argument 'gpt' not recognized" },
        { "finetune --task spam --validation maybe", ExitCodes.Usage, "'maybe'" },
        { "finetune --task spam --model minilm --sweep maybe", ExitCodes.Usage, "'maybe'" },
        { "finetune --model minilm --mode some", ExitCodes.Error, "--mode must be head, top-k, full" },
        { "finetune --model minilm --mode lora --lora-r 0", ExitCodes.Usage, "--lora-r" },
        { "finetune --model minilm --mode lora --lora-alpha 0", ExitCodes.Usage, "--lora-alpha" },
        { "finetune --model minilm --mode lora --lora-targets ,", ExitCodes.Error, "--lora-targets needs at least one module name" },
        { "finetune --model minilm --mode lora --lora-plus -2", ExitCodes.Usage, "--lora-plus" },
        { "finetune --model minilm --top-k 7", ExitCodes.Usage, "--top-k" },
        { "finetune --model minilm --max-length 4096", ExitCodes.Usage, "--max-length" },
        { "finetune --model minilm --batch-size 0", ExitCodes.Usage, "--batch-size" },
        { "finetune --model minilm --limit -3", ExitCodes.Usage, "--limit" },
        { "finetune --model minilm --max-grad-norm 0", ExitCodes.Usage, "--max-grad-norm" },
        { "finetune --model minilm --head-lr -1", ExitCodes.Usage, "--head-lr" },
        { "finetune --model minilm --head deep", ExitCodes.Usage, "--head: Argument 'deep' not recognized" },
        { "finetune --model minilm --features all", ExitCodes.Usage, "--features: Argument 'all' not recognized" },
        { "finetune --model minilm --init warm", ExitCodes.Usage, "--init: Argument 'warm' not recognized" },
        { "compare {dir}/nothing-here.json", ExitCodes.Error, "nothing-here.json" },
        { "compare --preset nope", ExitCodes.Error, "nope" },
        { "compare --preset sgd-vs-adam --jobs 0", ExitCodes.Usage, "--jobs" },
        { "compare --preset sgd-vs-adam --out {dir}/a-file", ExitCodes.Error, "--out" },
        { "compare --preset sgd-vs-adam --max-runs 0", ExitCodes.Usage, "--max-runs" },
        { "compare --preset sgd-vs-adam --store postgresql://nobody@127.0.0.1:1/none --out {dir}/o", ExitCodes.Error, "run store 'postgresql://nobody@127.0.0.1:1/none' does not answer" },
        { "compare --preset sgd-vs-adam --store postgresql://nobody@127.0.0.1:x/none --out {dir}/o", ExitCodes.Error, "--store: store URL" },
        { "compare --preset sgd-vs-adam --queue-only --out {dir}/o", ExitCodes.Error, "--queue-only queues the runs in a shared store" },
        { "report {dir}/nothing-here", ExitCodes.Error, "nothing-here" },
        { "report {dir}/o --store postgresql://nobody:secret@127.0.0.1:1/none", ExitCodes.Error, "run store 'postgresql://nobody@127.0.0.1:1/none' does not answer" },
        { "report {dir}/o --experiment x", ExitCodes.Error, "--experiment chooses an experiment of a PostgreSQL store" },
        { "worker --store postgresql://nobody@127.0.0.1:1/none", ExitCodes.Error, "does not answer" },
        { "worker --store {dir}/nothing-here", ExitCodes.Error, "--store: no run store" },
        { "worker --store postgresql://nobody@127.0.0.1:1/none --experiment sweep", ExitCodes.Error, "does not answer" },
        { "worker --store {dir} --jobs 0", ExitCodes.Usage, "--jobs" },
        { "worker --store {dir} --lease 1", ExitCodes.Usage, "--lease" },
        { "train --epochs 0", ExitCodes.Usage, "--epochs" },
        { "train --seed -1", ExitCodes.Usage, "--seed" },
        { "train --lr -1", ExitCodes.Usage, "--lr" },
        { "train --batch-size 0", ExitCodes.Usage, "--batch-size" },
        { "train --per-class 0", ExitCodes.Usage, "--per-class" },
        { "train --out {dir}/a-file", ExitCodes.Error, "--out" },
        { "train --resume maybe", ExitCodes.Usage, "'maybe'" },
        { "lab-run --request {dir}/nothing-here.json --result {dir}/result.json", ExitCodes.Error, "--request" },
        { "lab-run --request {dir}/nothing-here.json --result", ExitCodes.Usage, "--result" },
    };

    [Theory]
    [MemberData(nameof(CliRows))]
    public void EveryCommandLineOptionRejectsAnInvalidValueCleanly(string commandLine, int expected, string fragment)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("a-file"), "x");
        var (code, _, error) = CliHarness.Run(commandLine.Replace("{dir}", dir.Path, StringComparison.Ordinal).Split(' '));
        Assert.True(code == expected, $"{commandLine}: exit {code}, expected {expected}; {error}");
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(fragment.Replace("{dir}", dir.Path, StringComparison.Ordinal), error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Sub("o")), "nothing is written for a rejected input");
    }

    [Fact]
    public void EveryCommandLineOptionHasARow()
    {
        var root = Program.BuildRootCommand(CliContext.ForWriters(new StringWriter(), new StringWriter()));
        var options = new List<string>();
        void Walk(Command command, string path)
        {
            foreach (var o in command.Options.Where(o => o is not HelpOption and not VersionOption))
            {
                options.Add($"{path} {o.Name}");
            }

            foreach (var sub in command.Subcommands)
            {
                Walk(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}");
            }
        }

        Walk(root, string.Empty);
        var lines = CliRows().Select(r => (string)r[0]).ToList();
        var missing = options.Where(o =>
        {
            var (command, option) = (o[..o.LastIndexOf(' ')], o[(o.LastIndexOf(' ') + 1)..]);
            return !lines.Any(l => l.StartsWith(command + " ", StringComparison.Ordinal) && l.Split(' ').Contains(option));
        }).ToList();
        Assert.True(missing.Count == 0, $"no malformed command line for {string.Join(", ", missing)}");
    }
}
