using Descent.Experiments.Article;
using Descent.Experiments.Digits;
using Descent.Experiments.Spam;
using Descent.Experiments.Tabular;
using Descent.Experiments.TestFunctions;
using Descent.Experiments.Transfer;
using Descent.Lab.Tasks;

namespace Descent.Experiments;

/// <summary>The built-in lab tasks, in documentation order (<see cref="TaskKinds.All"/>), and their registration.</summary>
public static class ExperimentTasks
{
    private static readonly Lock Gate = new();

    /// <summary>One instance of every built-in task.</summary>
    public static IReadOnlyList<ILabTask> All { get; } =
    [
        new RegressionKind(TaskKinds.LinearRegression),
        new RegressionKind(TaskKinds.MlpRegression),
        new DigitsMlpKind(),
        new FashionTransferKind(),
        new MiniLmSpamKind(),
        new TestFunctionKind(new Rosenbrock()),
        new TestFunctionKind(new Beale()),
        new TestFunctionKind(new Himmelblau()),
        new TestFunctionKind(new Saddle()),
        new TestFunctionKind(new NoisyQuadratic(), defaultNoise: 1.0),
        new CsvKind(),
        new IdxKind(),
    ];

    /// <summary>Registers every built-in task not yet in <paramref name="registry"/> (default
    /// <see cref="LabTaskRegistry.Default"/>); calling it again changes nothing.</summary>
    public static LabTaskRegistry Register(LabTaskRegistry? registry = null)
    {
        registry ??= LabTaskRegistry.Default;
        lock (Gate)
        {
            foreach (var task in All.Where(t => !registry.Contains(t.Kind)))
            {
                registry.Register(task);
            }
        }

        return registry;
    }

    /// <summary>The built-in task of <paramref name="kind"/> (e.g. a test function's surface for tests and tools).</summary>
    public static ILabTask Get(string kind) => All.FirstOrDefault(t => t.Kind == kind)
        ?? throw new ArgumentException($"'{kind}' is not a built-in task; available: {string.Join(", ", TaskKinds.All)}", nameof(kind));
}
