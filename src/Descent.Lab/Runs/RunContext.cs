using Descent.Lab.Catalog;
using System.Globalization;
using Descent.Lab.Specs;
using Descent.Lab.Store;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Lab.Runs;

/// <summary>Everything a task needs to perform one run: the spec, the configuration, the seed and the
/// catalog that builds the configured optimizer and schedule.</summary>
public sealed class RunContext
{
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

    /// <summary>Where early-stopping rungs are shared between runs (the run store), or null: the spec's
    /// <see cref="ExperimentSpec.EarlyStopping"/> is then not applied.</summary>
    public IRunStore? Rungs { get; init; }

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

    /// <summary>Creates the configured optimizer over <paramref name="parameters"/>.</summary>
    public Optimizer CreateOptimizer(IReadOnlyList<Parameter> parameters) =>
        Catalog.CreateOptimizer(Run.Configuration.Optimizer, Run.Configuration.Hyperparameters, parameters);

    /// <summary>Creates the configured optimizer over parameters with their state_dict names (<c>Module.NamedParameters()</c>),
    /// which an optimizer that routes parameters by name uses (<c>muon</c>: embeddings and heads to AdamW).</summary>
    public Optimizer CreateOptimizer(IReadOnlyList<(string Name, Parameter Parameter)> namedParameters) =>
        Catalog.CreateOptimizer(Run.Configuration.Optimizer, Run.Configuration.Hyperparameters, namedParameters);

    /// <summary>Creates the configured schedule, or null when there is none.</summary>
    public Descent.Schedulers.LearningRateScheduler? CreateSchedule(Optimizer optimizer, int totalSteps) =>
        Run.Configuration.Schedule is null ? null : Catalog.CreateSchedule(Run.Configuration.Schedule, optimizer, totalSteps);
}
