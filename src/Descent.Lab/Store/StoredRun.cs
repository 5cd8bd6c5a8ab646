using Descent.Lab.Runs;

namespace Descent.Lab.Store;

/// <summary>A run as read back from the store.</summary>
/// <param name="RunKey">The run's key (<see cref="Specs.RunDescriptor.Key"/>).</param>
/// <param name="ConfigurationKey">The configuration's key.</param>
/// <param name="Label">The optimizer entry's label.</param>
/// <param name="Optimizer">The optimizer's CLI name.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Result">Status, metrics and timing.</param>
/// <param name="Environment">Where it ran.</param>
/// <param name="FinishedUtc">When it finished (ISO 8601).</param>
public sealed record StoredRun(
    string RunKey,
    string ConfigurationKey,
    string Label,
    string Optimizer,
    int Seed,
    RunResult Result,
    EnvironmentInfo Environment,
    string FinishedUtc);
