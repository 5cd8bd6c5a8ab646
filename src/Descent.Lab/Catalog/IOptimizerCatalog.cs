using Descent.Lab.Specs;
using Descent.Nn;
using Descent.Optimizers;

namespace Descent.Lab.Catalog;

/// <summary>
/// Creates optimizers and learning-rate schedules by their CLI names from PyTorch-named hyperparameters,
/// for the lab. <c>EngineCatalog</c> is the engine's; tests may supply their own.
/// </summary>
public interface IOptimizerCatalog
{
    /// <summary>Optimizer names the catalog knows (<c>sgd</c>, <c>adam</c>, …).</summary>
    IReadOnlyList<string> OptimizerNames { get; }

    /// <summary>Schedule names the catalog knows (<c>cosine</c>, <c>step</c>, …).</summary>
    IReadOnlyList<string> ScheduleNames { get; }

    /// <summary>Creates an optimizer over <paramref name="parameters"/>. Throws
    /// <see cref="ArgumentException"/> (naming the hyperparameter) for an unknown or invalid one.</summary>
    Optimizer CreateOptimizer(
        string name,
        IReadOnlyList<KeyValuePair<string, HyperparameterValue>> hyperparameters,
        IReadOnlyList<Parameter> parameters);

    /// <summary>Creates an optimizer over parameters with their state_dict names, for an optimizer that routes parameters
    /// by name (<c>muon</c>: embeddings and heads to AdamW). By default the names are dropped.</summary>
    Optimizer CreateOptimizer(
        string name,
        IReadOnlyList<KeyValuePair<string, HyperparameterValue>> hyperparameters,
        IReadOnlyList<(string Name, Parameter Parameter)> namedParameters) =>
        CreateOptimizer(name, hyperparameters, [.. (namedParameters ?? throw new ArgumentNullException(nameof(namedParameters))).Select(p => p.Parameter)]);

    /// <summary>Creates a schedule for <paramref name="optimizer"/> that runs <paramref name="totalSteps"/>
    /// steps (stepped by the <see cref="Descent.Training.Learner"/> after every optimizer step), or null for one that
    /// leaves the learning rate unchanged. Throws <see cref="ArgumentException"/> for an unknown schedule or argument.</summary>
    Descent.Schedulers.LearningRateScheduler? CreateSchedule(ScheduleSpec schedule, Optimizer optimizer, int totalSteps);
}
