using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;

namespace Descent.Experiments.Article;

/// <summary>The founding article's regression lab tasks (<see cref="RegressionTask"/>): <c>linear-regression</c>
/// (y = Xθ + b) and <c>mlp-regression</c> (the 2-16-1 tanh MLP), full-batch MSE on generated data.</summary>
public sealed class RegressionKind : ILabTask
{
    /// <summary>Creates the task of <paramref name="kind"/> (<see cref="TaskKinds.LinearRegression"/> or
    /// <see cref="TaskKinds.MlpRegression"/>).</summary>
    public RegressionKind(string kind)
    {
        if (kind is not (TaskKinds.LinearRegression or TaskKinds.MlpRegression))
        {
            throw new ArgumentException($"'{kind}' is not a regression task", nameof(kind));
        }

        Kind = kind;
    }

    /// <inheritdoc />
    public string Kind { get; }

    /// <inheritdoc />
    public IReadOnlyList<TaskKey> Keys { get; } = [TaskKeys.BatchSize, TaskKeys.L2, TaskKeys.Samples];

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics { get; } = ["loss"];

    /// <inheritdoc />
    public string DefaultMetric => "loss";

    /// <inheritdoc />
    public TaskSpec Read(TaskSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.Common(hidden: Kind == TaskKinds.MlpRegression ? [16] : [64]);
    }

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new RegressionTask(Kind);
}
