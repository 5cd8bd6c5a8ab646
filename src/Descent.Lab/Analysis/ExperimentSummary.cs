namespace Descent.Lab.Analysis;

/// <summary>
/// The analysis of an experiment, written to <c>summary.json</c>. It is a pure function of the spec and the
/// stored metrics and holds no wall-clock quantity, so the same runs always give a byte-identical file,
/// however they were scheduled, interrupted or resumed. Timing lives in <see cref="TimingSummary"/>
/// (<c>timing.json</c>).
/// </summary>
/// <param name="Experiment">The experiment's name.</param>
/// <param name="Task">The task kind.</param>
/// <param name="Budget">The budget as text (<c>30 epochs</c>, <c>500 steps</c>).</param>
/// <param name="Metric">The main metric.</param>
/// <param name="Goal"><c>min</c> or <c>max</c>.</param>
/// <param name="Target">The target as text, or null.</param>
/// <param name="Seeds">The seeds.</param>
/// <param name="RunsExpected">Configurations × seeds.</param>
/// <param name="RunsStored">Runs found in the store for this spec.</param>
/// <param name="Verdict">The plain-language verdict.</param>
/// <param name="Optimizers">Per optimizer entry, ranked best first.</param>
/// <param name="Comparisons">Pairwise comparisons of the optimizers' best configurations.</param>
/// <param name="Configurations">Every configuration, spec order.</param>
/// <param name="Method">How the numbers are computed.</param>
public sealed record ExperimentSummary(
    string Experiment,
    string Task,
    string Budget,
    string Metric,
    string Goal,
    string? Target,
    IReadOnlyList<int> Seeds,
    int RunsExpected,
    int RunsStored,
    string Verdict,
    IReadOnlyList<OptimizerSummary> Optimizers,
    IReadOnlyList<Comparison> Comparisons,
    IReadOnlyList<ConfigurationSummary> Configurations,
    IReadOnlyDictionary<string, string> Method);
