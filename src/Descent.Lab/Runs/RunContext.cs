using System.Globalization;
using System.Reflection;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Lab.Store;
using Descent.Nn;
using Descent.Optimizers;
using Descent.Training;

namespace Descent.Lab.Runs;

/// <summary>Everything a task needs to perform one run: the spec, the configuration, the seed and the
/// catalog that builds the configured optimizer and schedule.</summary>
public sealed class RunContext
{
    private readonly List<Optimizer> optimizers = [];

    /// <summary>Creates a context.</summary>
    public RunContext(ExperimentSpec spec, RunDescriptor run, IOptimizerCatalog catalog, CancellationToken cancellation = default)
    {
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
        Run = run ?? throw new ArgumentNullException(nameof(run));
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        Cancellation = cancellation;
    }

    /// <summary>The experiment.</summary>
    public ExperimentSpec Spec { get; }

    /// <summary>The run (configuration and seed).</summary>
    public RunDescriptor Run { get; }

    /// <summary>Builds optimizers and schedules.</summary>
    public IOptimizerCatalog Catalog { get; }

    /// <summary>Cancels the run (it then counts as not done and reruns on resume).</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>The run's seed.</summary>
    public int Seed => Run.Seed;

    /// <summary>Where early-stopping rungs are shared between runs (the run store, or a relay to it), or null: the spec's
    /// <see cref="ExperimentSpec.EarlyStopping"/> is then not applied.</summary>
    public IRungStore? Rungs { get; init; }

    /// <summary>
    /// The callback that makes this run one rank of a data-parallel job (e.g. <c>Descent.Distributed.DataParallel</c> over MPI),
    /// or null (the default): the run trains in this process alone. It must implement <see cref="IDataParallel"/>.
    /// <see cref="SupervisedTraining"/> then trains on this rank's shard of every batch and adds the callback to its learner;
    /// every rank runs the same task with the same context, and the result of rank 0 is the run's.
    /// </summary>
    /// <exception cref="ArgumentException">The callback does not implement <see cref="IDataParallel"/>.</exception>
    public LearnerCallback? DataParallel
    {
        get;
        init => field = value is null or IDataParallel
            ? value
            : throw new ArgumentException($"the data-parallel callback must implement {nameof(IDataParallel)}; {value.GetType().Name} does not", nameof(DataParallel));
    }

    /// <summary>This process's rank and the number of ranks of <see cref="DataParallel"/>, or null without it.</summary>
    public IDataParallel? Parallel => DataParallel as IDataParallel;

    private IReadOnlyList<int>? rungs;
    private readonly HashSet<int> decided = [];

    /// <summary>
    /// Early stopping (ASHA) of this run: when <paramref name="metric"/> is the spec's early-stopping metric and
    /// <paramref name="used"/> (budget used so far, in the budget's unit) has reached a rung not yet decided for this run, records
    /// <paramref name="value"/> at the highest such rung and returns why the run stops there, or null when it continues
    /// (<see cref="Asha.ShouldStop"/>). <see cref="RunRecorder"/> calls this for every metric it records.
    /// </summary>
    public string? EarlyStop(string metric, int used, double value)
    {
        if (Rungs is null || Spec.EarlyStopping is not { } es || metric != es.Metric || !double.IsFinite(value))
        {
            return null;
        }

        rungs ??= es.Rungs(Spec.Budget.Epochs ?? Spec.Budget.Steps ?? 0);
        for (var i = rungs.Count - 1; i >= 0; i--)
        {
            var rung = rungs[i];
            if (rung > used)
            {
                continue;
            }

            if (!decided.Add(rung))
            {
                return null;
            }

            var others = Rungs.RecordRung(Run.Key, rung, value);
            return Asha.ShouldStop(others, value, es.Goal, es.ReductionFactor)
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{Run.Configuration.Label} ({Run.Configuration.Description}) stopped early at rung {rung} {(Spec.Budget.Epochs is null ? "steps" : "epochs")}: " +
                    $"{metric} = {value:R} is not in the best 1/{es.ReductionFactor:R} of the {others.Count} runs recorded there (ASHA)")
                : null;
        }

        return null;
    }

    /// <summary>The optimizers this context created, in order (the runner reads their trainable parameters and state
    /// after the run: <see cref="RunResources"/>).</summary>
    public IReadOnlyList<Optimizer> Optimizers => optimizers;

    /// <summary>Creates the configured optimizer over <paramref name="parameters"/>.</summary>
    public Optimizer CreateOptimizer(IReadOnlyList<Parameter> parameters) =>
        Track(Catalog.CreateOptimizer(Run.Configuration.Optimizer, Run.Configuration.Hyperparameters, parameters));

    /// <summary>
    /// Creates the configured optimizer with one group per plan (e.g. <see cref="ParameterGroups.LoraPlus"/>): the first
    /// plan's parameters form the optimizer's first group, each further plan a group named after it. A group's learning
    /// rate is the configuration's (or the optimizer's default) times the plan's <see cref="ParameterGroupPlan.LearningRateScale"/>;
    /// a <see cref="ParameterGroupPlan.NoWeightDecay"/> plan gets <c>weight_decay</c> 0 when the optimizer has one. A
    /// single plan at scale 1 with weight decay gives exactly <see cref="CreateOptimizer(IReadOnlyList{Parameter})"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No plans.</exception>
    public Optimizer CreateOptimizer(IReadOnlyList<ParameterGroupPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        if (plans.Count == 0)
        {
            throw new ArgumentException("need at least one parameter group plan", nameof(plans));
        }

        var name = Run.Configuration.Optimizer;
        var configured = Run.Configuration.Hyperparameters;
        var defaults = Catalog.CreateOptimizer(name, configured, NoParameters).Groups[0];
        var baseLr = defaults.LearningRate;
        var decays = HasWeightDecay(defaults.BaseOptions);
        IReadOnlyList<KeyValuePair<string, HyperparameterValue>> For(ParameterGroupPlan plan)
        {
            var zeroDecay = plan.NoWeightDecay && decays;
            var hp = configured.Where(h => h.Key != "lr" && !(zeroDecay && h.Key == "weight_decay")).ToList();
            hp.Add(new("lr", HyperparameterValue.FromNumber(baseLr * plan.LearningRateScale)));
            if (zeroDecay)
            {
                hp.Add(new("weight_decay", HyperparameterValue.FromNumber(0)));
            }

            return hp;
        }

        static IReadOnlyList<Parameter> Of(ParameterGroupPlan plan) => ParameterGroups.ParametersOf([plan]);
        var optimizer = Catalog.CreateOptimizer(name, For(plans[0]), plans[0].Parameters);
        foreach (var plan in plans.Skip(1))
        {
            optimizer.AddParameterGroup(Of(plan), Catalog.CreateOptimizer(name, For(plan), NoParameters).Groups[0].BaseOptions, plan.Name);
        }

        return Track(optimizer);
    }

    /// <summary>Creates the configured optimizer over parameters with their state_dict names (<c>Module.NamedParameters()</c>),
    /// which an optimizer that routes parameters by name uses (<c>muon</c>: embeddings and heads to AdamW).</summary>
    public Optimizer CreateOptimizer(IReadOnlyList<(string Name, Parameter Parameter)> namedParameters) =>
        Track(Catalog.CreateOptimizer(Run.Configuration.Optimizer, Run.Configuration.Hyperparameters, namedParameters));

    /// <summary>Creates the configured schedule, or null when there is none.</summary>
    public Descent.Schedulers.LearningRateScheduler? CreateSchedule(Optimizer optimizer, int totalSteps) =>
        Run.Configuration.Schedule is null ? null : Catalog.CreateSchedule(Run.Configuration.Schedule, optimizer, totalSteps);

    private static bool HasWeightDecay(OptimizerOptions options) =>
        options.GetType().GetProperties().Any(p => p.GetCustomAttribute<HyperparameterAttribute>()?.Name == "weight_decay");

    private static readonly IReadOnlyList<(string Name, Parameter Parameter)> NoParameters = [];

    private Optimizer Track(Optimizer optimizer)
    {
        lock (optimizers)
        {
            optimizers.Add(optimizer);
        }

        return optimizer;
    }
}
