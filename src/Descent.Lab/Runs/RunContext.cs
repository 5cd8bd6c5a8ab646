using Descent.Lab.Catalog;
using Descent.Lab.Specs;
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
