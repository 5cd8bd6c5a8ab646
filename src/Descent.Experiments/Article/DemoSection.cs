using Descent.Experiments.Runs;

namespace Descent.Experiments.Article;

/// <summary>One experiment of the demo (linear regression or the MLP) and the results of its runs.</summary>
/// <param name="Key">Short identifier used for file names ("linear-regression", "mlp").</param>
/// <param name="Title">Human-readable title.</param>
/// <param name="LossTarget">The loss that counts as "reached".</param>
/// <param name="Results">One result per optimizer, in run order.</param>
public sealed record DemoSection(string Key, string Title, double LossTarget, IReadOnlyList<RunResult> Results);
