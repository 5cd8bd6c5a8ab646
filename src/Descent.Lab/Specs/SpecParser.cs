using System.Globalization;
using System.Text.Json;
using Descent.Lab.Catalog;
using Descent.Lab.Tasks;
using Descent.Nn;

namespace Descent.Lab.Specs;

/// <summary>
/// Reads an experiment spec (JSON) and checks all of it before anything runs. Every problem is reported
/// with its JSON path (<c>$.optimizers[1].lr[0]: must be &gt; 0</c>), not just the first one.
/// </summary>
/// <remarks>
/// <para>Grid rule: a hyperparameter whose value is a JSON array is a grid of values. Tuple-valued
/// hyperparameters (<see cref="TupleHyperparameters"/>, from the optimizers' declarations: <c>betas</c>, …) are
/// written as an array of numbers for one value and as an array of such arrays for a grid.</para>
/// <para>Each configuration is also built once on a dummy parameter through the catalog, so a
/// combination the optimizer rejects (e.g. Nesterov with dampening) fails here, not hours later.</para>
/// </remarks>
public sealed partial class SpecParser
{
    private static readonly string[] RootKeys = ["$schema", "name", "description", "task", "budget", "seeds", "target", "optimizers", "schedule", "early_stopping", "ranks"];

    private readonly IOptimizerCatalog catalog;
    private readonly LabTaskRegistry tasks;
    private readonly List<SpecError> errors = [];

    /// <summary>Creates a parser that checks optimizer and schedule names against <paramref name="catalog"/> and reads
    /// <c>$.task</c> through the kinds of <paramref name="tasks"/> (default <see cref="LabTaskRegistry.Default"/>).</summary>
    public SpecParser(IOptimizerCatalog catalog, LabTaskRegistry? tasks = null)
    {
        this.catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        this.tasks = tasks ?? LabTaskRegistry.Default;
    }

    /// <summary>Hyperparameters whose single value is a tuple of numbers (the tuples the registered optimizers declare).</summary>
    public static IReadOnlyList<string> TupleHyperparameters => Descent.Optimizers.OptimizerRegistry.TupleNames;

    /// <summary>The folder that relative paths in the spec (<c>$.task.data</c>, <c>$.task.train</c>, …) are resolved
    /// against: the spec file's folder for <see cref="ParseFile"/>; null (the current directory) for a spec text.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Parses and validates; throws <see cref="SpecValidationException"/> listing every problem (first
    /// every duplicate key, <see cref="DuplicateKeys"/>). Relative paths resolve against <paramref name="baseDirectory"/>
    /// (default: the current directory).</summary>
    public static ExperimentSpec Parse(string json, IOptimizerCatalog catalog, LabTaskRegistry? tasks = null, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (DuplicateKeys.Find(json) is { Count: > 0 } duplicates)
        {
            throw new SpecValidationException(duplicates);
        }

        var parser = new SpecParser(catalog, tasks) { BaseDirectory = baseDirectory };
        var spec = parser.TryParse(json, out var problems);
        return spec ?? throw new SpecValidationException(problems);
    }

    /// <summary>Parses a spec file; problems are reported as by <see cref="Parse"/>.</summary>
    public static ExperimentSpec ParseFile(string path, IOptimizerCatalog catalog, LabTaskRegistry? tasks = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new SpecValidationException($"spec file '{path}' does not exist");
        }

        return Parse(File.ReadAllText(path), catalog, tasks, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>Parses and validates; returns null and the problems when the spec is invalid.</summary>
    public ExperimentSpec? TryParse(string json, out IReadOnlyList<SpecError> problems)
    {
        ArgumentNullException.ThrowIfNull(json);
        errors.Clear();
        ExperimentSpec? spec = null;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
            spec = ReadRoot(doc.RootElement, json);
        }
        catch (JsonException e)
        {
            Error($"$", $"not valid JSON: {e.Message}");
        }

        problems = [.. errors];
        return errors.Count == 0 ? spec : null;
    }

    private ExperimentSpec? ReadRoot(JsonElement root, string json)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error("$", $"must be an object, not {Kind(root)}");
            return null;
        }

        CheckKeys(root, "$", RootKeys);
        var name = RequiredString(root, "$", "name");
        if (name is not null && name.Trim().Length == 0)
        {
            Error("$.name", "must not be empty");
        }

        // Free text, but text: a number or an object there is a mistake worth saying before any run.
        foreach (var (key, path) in new[] { ("description", "$.description"), ("$schema", "$[\"$schema\"]") })
        {
            if (root.TryGetProperty(key, out var text) && text.ValueKind != JsonValueKind.String)
            {
                Error(path, $"must be a string, not {Kind(text)}");
            }
        }

        var task = root.TryGetProperty("task", out var t) ? ReadTask(t, "$.task") : Missing<TaskSpec>("$", "task");
        var budget = root.TryGetProperty("budget", out var b) ? ReadBudget(b, "$.budget") : Missing<BudgetSpec>("$", "budget");
        var seeds = root.TryGetProperty("seeds", out var s) ? ReadSeeds(s, "$.seeds") : [0];
        var target = root.TryGetProperty("target", out var tg) && tg.ValueKind != JsonValueKind.Null
            ? ReadTarget(tg, "$.target", task)
            : null;
        var schedule = root.TryGetProperty("schedule", out var sc) && sc.ValueKind != JsonValueKind.Null
            ? ReadSchedule(sc, "$.schedule")
            : null;
        var optimizers = root.TryGetProperty("optimizers", out var o) ? ReadOptimizers(o, "$.optimizers") : Missing<List<OptimizerSpec>>("$", "optimizers");
        var earlyStopping = root.TryGetProperty("early_stopping", out var es) && es.ValueKind != JsonValueKind.Null
            ? ReadEarlyStopping(es, "$.early_stopping", task, budget)
            : null;
        var ranks = root.TryGetProperty("ranks", out var rk) ? ReadRanks(rk, "$.ranks", task) : 1;

        if (errors.Count > 0 || task is null || budget is null || optimizers is null || name is null)
        {
            return null;
        }

        var metric = target?.Metric ?? task.Definition.DefaultMetricOf(task);
        var goal = target?.Goal ?? GoalOf(metric);
        var spec = new ExperimentSpec(name, task, budget, seeds, target, optimizers, schedule, metric, goal, json) { EarlyStopping = earlyStopping, Ranks = ranks, BaseDirectory = BaseDirectory };
        CheckBuildable(spec);
        return errors.Count == 0 ? spec : null;
    }

    /// <summary>The natural direction of a metric: accuracies and F1 scores are maximized, everything else minimized.</summary>
    public static MetricGoal GoalOf(string metric) =>
        metric.Contains("accuracy", StringComparison.Ordinal) || metric.EndsWith("f1", StringComparison.Ordinal) ? MetricGoal.Maximize : MetricGoal.Minimize;

    private TaskSpec? ReadTask(JsonElement e, string path)
    {
        if (!IsObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, ["kind", .. tasks.Keys.Select(k => k.Name)]);
        var kind = RequiredString(e, path, "kind");
        var task = kind is null ? null : tasks.Find(kind);
        if (kind is not null && task is null)
        {
            Error($"{path}.kind", $"unknown task kind '{kind}'; expected one of {string.Join(", ", tasks.Kinds)}");
        }

        if (task is null)
        {
            return null;
        }

        foreach (var key in tasks.Keys)
        {
            if (e.TryGetProperty(key.Name, out _) && !task.Keys.Any(k => k.Name == key.Name))
            {
                Error($"{path}.{key.Name}", $"{key.Rejection}, not {task.Kind}");
            }
        }

        return task.Read(new TaskSection(this, e, path, task));
    }

    /// <summary><c>$.ranks</c>: an integer in [1, <see cref="ExperimentSpec.MaxRanks"/>]; above 1 only for a kind that trains
    /// data-parallel (<see cref="ILabTask.SupportsDataParallel"/>) and a batch of at least one sample per rank.</summary>
    private int ReadRanks(JsonElement e, string path, TaskSpec? task)
    {
        var whole = e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d) && d == Math.Floor(d);
        if (e.ValueKind != JsonValueKind.Number || !(e.TryGetInt64(out var v) || whole))
        {
            Error(path, $"must be an integer (the processes every run trains on), not {(e.ValueKind == JsonValueKind.Number ? e.GetRawText() : Kind(e))}");
            return 1;
        }

        if (!e.TryGetInt64(out v) || v < 1 || v > ExperimentSpec.MaxRanks)
        {
            Error(path, $"must be in [1, {ExperimentSpec.MaxRanks.ToString(CultureInfo.InvariantCulture)}] (the processes every run trains on), got {e.GetRawText()}");
            return 1;
        }

        var ranks = (int)v;
        if (ranks > 1 && task is not null)
        {
            if (!task.Definition.SupportsDataParallel)
            {
                Error(path, $"task {task.Kind} cannot train data-parallel, so it cannot use {ranks} ranks; remove \"ranks\" (or set it to 1)");
            }
            else if (task.BatchSize is { } batch && batch < ranks)
            {
                Error(path, $"{ranks} ranks split every batch of $.task.batch_size = {batch.ToString(CultureInfo.InvariantCulture)} samples into {ranks} shards, leaving some empty; use at most {batch.ToString(CultureInfo.InvariantCulture)} ranks or a larger batch_size");
            }
        }

        return ranks;
    }

    private BudgetSpec? ReadBudget(JsonElement e, string path)
    {
        if (!IsObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, ["epochs", "steps"]);
        int? epochs = e.TryGetProperty("epochs", out var ep) ? Int(ep, $"{path}.epochs", 1, 100_000) : null;
        int? steps = e.TryGetProperty("steps", out var st) ? Int(st, $"{path}.steps", 1, 10_000_000) : null;
        var hasEpochs = e.TryGetProperty("epochs", out _);
        var hasSteps = e.TryGetProperty("steps", out _);
        if (hasEpochs == hasSteps)
        {
            Error(path, "give exactly one of \"epochs\" or \"steps\"");
            return null;
        }

        return epochs is null && steps is null ? null : new BudgetSpec(epochs, steps);
    }

    private List<int> ReadSeeds(JsonElement e, string path)
    {
        var seeds = new List<int>();
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0)
        {
            Error(path, "must be a non-empty array of seeds, e.g. [0, 1, 2]");
            return seeds;
        }

        var i = 0;
        foreach (var s in e.EnumerateArray())
        {
            var p = $"{path}[{i++}]";
            if (Int(s, p, 0, int.MaxValue) is { } v)
            {
                if (seeds.Contains(v))
                {
                    Error(p, $"seed {v} is listed twice");
                }
                else
                {
                    seeds.Add(v);
                }
            }
        }

        return seeds;
    }

    private TargetSpec? ReadTarget(JsonElement e, string path, TaskSpec? task)
    {
        if (!IsObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, ["metric", "value", "goal"]);
        var metric = ReadMetric(e, path, task);
        double? value = null;
        if (!e.TryGetProperty("value", out var v))
        {
            Error(path, "missing required property \"value\"");
        }
        else
        {
            value = Number(v, $"{path}.value");
        }

        var goal = ReadGoal(e, path);
        return metric is null || value is null ? null : new TargetSpec(metric, value.Value, goal ?? GoalOf(metric));
    }

    /// <summary>The optional <c>goal</c> of <paramref name="e"/>: "min" or "max".</summary>
    private MetricGoal? ReadGoal(JsonElement e, string path)
    {
        MetricGoal? goal = null;
        if (e.TryGetProperty("goal", out var g))
        {
            goal = g.ValueKind == JsonValueKind.String ? g.GetString() switch
            {
                "min" => MetricGoal.Minimize,
                "max" => MetricGoal.Maximize,
                _ => null,
            } : null;
            if (goal is null)
            {
                Error($"{path}.goal", "must be \"min\" or \"max\"");
            }
        }

        return goal;
    }

    /// <summary>The metric named by <paramref name="e"/>'s required <c>metric</c>, checked against the task's metrics.</summary>
    private string? ReadMetric(JsonElement e, string path, TaskSpec? task)
    {
        var metric = RequiredString(e, path, "metric");
        if (metric is not null && task is not null && !task.Definition.MetricsOf(task).Contains(metric))
        {
            Error($"{path}.metric", $"task {task.Kind} does not report '{metric}'; it reports {string.Join(", ", task.Definition.MetricsOf(task))}");
        }

        return metric;
    }

    private EarlyStoppingSpec? ReadEarlyStopping(JsonElement e, string path, TaskSpec? task, BudgetSpec? budget)
    {
        if (!IsObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, ["method", "metric", "goal", "reduction_factor", "min_budget"]);
        var method = RequiredString(e, path, "method");
        if (method is not null && method != EarlyStoppingSpec.Asha)
        {
            Error($"{path}.method", $"unknown method '{method}'; expected \"{EarlyStoppingSpec.Asha}\" (asynchronous successive halving)");
        }

        var metric = ReadMetric(e, path, task);
        var goal = ReadGoal(e, path);
        double? factor = 3;
        if (e.TryGetProperty("reduction_factor", out var rf))
        {
            factor = Number(rf, $"{path}.reduction_factor");
            if (factor is not null && !(factor > 1 && factor <= 100))
            {
                Error($"{path}.reduction_factor", $"must be in (1, 100], got {rf.GetRawText()}");
                factor = null;
            }
        }

        var total = budget?.Epochs ?? budget?.Steps ?? int.MaxValue;
        var unit = budget?.Epochs is null ? "steps" : "epochs";
        int? minBudget = 1;
        if (e.TryGetProperty("min_budget", out var mb))
        {
            minBudget = Int(mb, $"{path}.min_budget", 1, int.MaxValue);
            if (minBudget >= total)
            {
                Error($"{path}.min_budget", $"must be below the budget ({total} {unit}), so that at least one rung comes before the end; got {minBudget}");
                minBudget = null;
            }
        }
        else if (total <= 1)
        {
            Error(path, $"the budget ({total} {unit}) leaves no rung before the end; early stopping needs a budget of at least 2 {unit}");
        }

        return method is null || metric is null || factor is null || minBudget is null
            ? null
            : new EarlyStoppingSpec(method, metric, goal ?? GoalOf(metric), factor.Value, minBudget.Value);
    }

    private List<OptimizerSpec>? ReadOptimizers(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0)
        {
            Error(path, "must be a non-empty array of optimizers, e.g. [{ \"name\": \"sgd\", \"lr\": 0.1 }]");
            return null;
        }

        var list = new List<OptimizerSpec>();
        var i = 0;
        foreach (var o in e.EnumerateArray())
        {
            var p = $"{path}[{i++}]";
            var spec = ReadOptimizer(o, p);
            if (spec is not null)
            {
                list.Add(spec);
            }
        }

        // Labels must be unique: they name the curves and the rows of the report.
        var byLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < list.Count; k++)
        {
            if (!byLabel.TryAdd(list[k].Label, k))
            {
                var n = 2;
                while (byLabel.ContainsKey($"{list[k].Label}#{n}"))
                {
                    n++;
                }

                list[k] = list[k] with { Label = $"{list[k].Label}#{n}" };
                byLabel.Add(list[k].Label, k);
            }
        }

        return list;
    }

    private OptimizerSpec? ReadOptimizer(JsonElement e, string path)
    {
        if (!IsObject(e, path))
        {
            return null;
        }

        var name = RequiredString(e, path, "name");
        if (name is not null && !catalog.OptimizerNames.Contains(name))
        {
            Error($"{path}.name", $"unknown optimizer '{name}'; expected one of {string.Join(", ", catalog.OptimizerNames)}");
            name = null;
        }

        string? label = null;
        ScheduleSpec? schedule = null;
        var hps = new List<KeyValuePair<string, IReadOnlyList<HyperparameterValue>>>();
        foreach (var prop in e.EnumerateObject())
        {
            var p = $"{path}.{prop.Name}";
            switch (prop.Name)
            {
                case "name":
                    continue;
                case "label":
                    if (prop.Value.ValueKind != JsonValueKind.String || prop.Value.GetString()!.Trim().Length == 0)
                    {
                        Error(p, "must be a non-empty string");
                    }
                    else
                    {
                        label = prop.Value.GetString();
                    }

                    continue;
                case "schedule":
                    schedule = prop.Value.ValueKind == JsonValueKind.Null ? null : ReadSchedule(prop.Value, p);
                    continue;
            }

            var values = ReadGrid(prop.Name, prop.Value, p);
            if (values is not null)
            {
                hps.Add(new(prop.Name, values));
            }
        }

        if (name is null)
        {
            return null;
        }

        label ??= DefaultLabel(name, hps);
        return new OptimizerSpec(name, label, hps, schedule);
    }

    private static string DefaultLabel(string name, List<KeyValuePair<string, IReadOnlyList<HyperparameterValue>>> hps)
    {
        var label = name;
        var momentum = hps.FirstOrDefault(h => h.Key == "momentum").Value;
        if (name == "sgd" && momentum is not null && momentum.Any(v => v.Number is > 0))
        {
            label += "+momentum";
        }

        var nesterov = hps.FirstOrDefault(h => h.Key == "nesterov").Value;
        if (nesterov is not null && nesterov.Any(v => v.Boolean == true))
        {
            label += "+nesterov";
        }

        return label;
    }

    private List<HyperparameterValue>? ReadGrid(string name, JsonElement e, string path)
    {
        var isTuple = TupleHyperparameters.Contains(name);
        var values = new List<HyperparameterValue>();
        if (e.ValueKind == JsonValueKind.Array && (!isTuple || (e.GetArrayLength() > 0 && e[0].ValueKind == JsonValueKind.Array)))
        {
            if (e.GetArrayLength() == 0)
            {
                Error(path, "an empty grid has no values; give at least one");
                return null;
            }

            var i = 0;
            foreach (var item in e.EnumerateArray())
            {
                var p = $"{path}[{i++}]";
                if (ReadValue(name, item, p, isTuple) is { } v)
                {
                    if (values.Contains(v))
                    {
                        Error(p, $"value {v} is listed twice in the grid");
                    }
                    else
                    {
                        values.Add(v);
                    }
                }
            }
        }
        else if (ReadValue(name, e, path, isTuple) is { } v)
        {
            values.Add(v);
        }

        return values.Count == 0 ? null : values;
    }

    private HyperparameterValue? ReadValue(string name, JsonElement e, string path, bool isTuple)
    {
        if (isTuple)
        {
            var length = Descent.Optimizers.OptimizerRegistry.TupleLength(name);
            if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != length)
            {
                Error(path, length == 2
                    ? $"{name} must be a pair of numbers, e.g. [0.9, 0.999] (a grid is an array of pairs)"
                    : $"{name} must be an array of {length} numbers (a grid is an array of such arrays)");
                return null;
            }

            var items = new double?[length];
            for (var i = 0; i < length; i++)
            {
                items[i] = Number(e[i], $"{path}[{i}]");
            }

            if (items.Any(x => x is null))
            {
                return null;
            }

            if (name == "betas")
            {
                for (var i = 0; i < length; i++)
                {
                    Range01(items[i]!.Value, $"{path}[{i}]");
                }
            }

            return HyperparameterValue.FromTuple([.. items.Select(x => x!.Value)]);
        }

        switch (e.ValueKind)
        {
            case JsonValueKind.True:
            case JsonValueKind.False:
                return HyperparameterValue.FromBoolean(e.GetBoolean());
            case JsonValueKind.String:
                return HyperparameterValue.FromText(e.GetString()!);
            case JsonValueKind.Number:
                var v = Number(e, path);
                if (v is null)
                {
                    return null;
                }

                CheckKnownRange(name, v.Value, path);
                return HyperparameterValue.FromNumber(v.Value);
            default:
                Error(path, $"must be a number, a boolean or a string, not {Kind(e)}");
                return null;
        }
    }

    private void CheckKnownRange(string name, double v, string path)
    {
        switch (name)
        {
            case "lr":
            case "eps":
                if (!(v > 0))
                {
                    Error(path, "must be > 0");
                }

                break;
            case "momentum":
            case "dampening":
                if (v < 0 || v >= 1)
                {
                    Error(path, "must be in [0, 1)");
                }

                break;
            case "weight_decay":
                if (v < 0)
                {
                    Error(path, "must be ≥ 0");
                }

                break;
        }
    }

    private void Range01(double v, string path)
    {
        if (v < 0 || v >= 1)
        {
            Error(path, "must be in [0, 1)");
        }
    }

    private ScheduleSpec? ReadSchedule(JsonElement e, string path)
    {
        if (!IsObject(e, path))
        {
            return null;
        }

        var name = RequiredString(e, path, "name");
        if (name is not null && !catalog.ScheduleNames.Contains(name))
        {
            Error($"{path}.name", $"unknown schedule '{name}'; expected one of {string.Join(", ", catalog.ScheduleNames)}");
            name = null;
        }

        var args = new List<KeyValuePair<string, HyperparameterValue>>();
        foreach (var prop in e.EnumerateObject())
        {
            if (prop.Name == "name")
            {
                continue;
            }

            var p = $"{path}.{prop.Name}";
            if (prop.Value.ValueKind == JsonValueKind.Array && prop.Value.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number))
            {
                var nums = prop.Value.EnumerateArray().Select((x, k) => Number(x, $"{p}[{k}]") ?? 0).ToArray();
                args.Add(new(prop.Name, HyperparameterValue.FromTuple(nums)));
            }
            else if (ReadValue(prop.Name, prop.Value, p, isTuple: false) is { } v)
            {
                args.Add(new(prop.Name, v));
            }
        }

        return name is null ? null : new ScheduleSpec(name, args);
    }

    private void CheckBuildable(ExperimentSpec spec)
    {
        var configs = spec.Configurations();
        var steps = spec.Budget.Steps ?? spec.Budget.Epochs ?? 1;
        foreach (var c in configs)
        {
            var path = $"$.optimizers[{c.OptimizerIndex}]";
            Descent.Optimizers.Optimizer opt;
            try
            {
                opt = catalog.CreateOptimizer(c.Optimizer, c.Hyperparameters, [new Parameter(2)]);
            }
            catch (ArgumentException ex)
            {
                Error(path, $"configuration {c.Description} is rejected: {FirstLine(ex.Message)}");
                continue;
            }

            if (c.Schedule is not null)
            {
                try
                {
                    catalog.CreateSchedule(c.Schedule, opt, steps);
                }
                catch (ArgumentException ex)
                {
                    var sp = spec.Optimizers[c.OptimizerIndex].Schedule is null ? "$.schedule" : $"{path}.schedule";
                    Error(sp, $"schedule {c.Schedule} is rejected: {FirstLine(ex.Message)}");
                }
            }
        }

        // Report each distinct message once per path.
        var distinct = errors.Distinct().ToList();
        errors.Clear();
        errors.AddRange(distinct);
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOf('\n', StringComparison.Ordinal);
        return (i < 0 ? s : s[..i]).TrimEnd('\r');
    }

    private T? Missing<T>(string path, string property)
        where T : class
    {
        Error(path, $"missing required property \"{property}\"");
        return null;
    }

    private void CheckKeys(JsonElement e, string path, string[] allowed)
    {
        foreach (var p in e.EnumerateObject())
        {
            if (!allowed.Contains(p.Name))
            {
                Error($"{path}.{p.Name}", $"unknown property; expected one of {string.Join(", ", allowed.Where(a => a != "$schema"))}");
            }
        }
    }

    private bool IsObject(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        Error(path, $"must be an object, not {Kind(e)}");
        return false;
    }

    private string? RequiredString(JsonElement e, string path, string property)
    {
        if (!e.TryGetProperty(property, out var v))
        {
            Error(path, $"missing required property \"{property}\"");
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Error($"{path}.{property}", $"must be a string, not {Kind(v)}");
            return null;
        }

        return v.GetString();
    }

    internal double? Number(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Number)
        {
            Error(path, $"must be a number, not {Kind(e)}");
            return null;
        }

        var v = e.GetDouble();
        if (!double.IsFinite(v))
        {
            Error(path, "must be finite");
            return null;
        }

        return v;
    }

    internal double? NumberAtLeast(JsonElement e, string path, double min)
    {
        var v = Number(e, path);
        if (v < min)
        {
            Error(path, $"must be ≥ {min.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }

        return v;
    }

    internal int? Int(JsonElement e, string path, int min, int max)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var v))
        {
            // A whole number too large for 64 bits is out of range, not "not an integer".
            if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d) && d == Math.Floor(d))
            {
                v = d > 0 ? long.MaxValue : long.MinValue;
            }
            else
            {
                Error(path, $"must be an integer, not {(e.ValueKind == JsonValueKind.Number ? e.GetRawText() : Kind(e))}");
                return null;
            }
        }

        if (v < min || v > max)
        {
            Error(path, max == int.MaxValue
                ? v > max ? $"must be at most {max.ToString(CultureInfo.InvariantCulture)}, got {e.GetRawText()}" : $"must be ≥ {min.ToString(CultureInfo.InvariantCulture)}"
                : $"must be in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
            return null;
        }

        return (int)v;
    }

    internal static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{e.GetString()}\"",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString(),
    };

    internal void Error(string path, string message) => errors.Add(new SpecError(path, message));
}
