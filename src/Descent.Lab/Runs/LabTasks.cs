using Descent.Lab.Functions;
using Descent.Lab.Specs;

namespace Descent.Lab.Runs;

/// <summary>Creates the built-in task of a spec's kind.</summary>
public static class LabTasks
{
    /// <summary>The task for <paramref name="task"/>; throws <see cref="NotSupportedException"/> with a clear
    /// message for a kind this build cannot run.</summary>
    public static LabTask Create(TaskSpec task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (TaskKinds.IsTestFunction(task.Kind))
        {
            return new TestFunctionTask(TestFunction.ForKind(task.Kind));
        }

        return task.Kind switch
        {
            TaskKinds.LinearRegression or TaskKinds.MlpRegression => new RegressionTask(task.Kind),
            TaskKinds.DigitsMlp => new DigitsMlpTask(task),
            TaskKinds.MiniLmSpam => new MiniLmSpamTask(task),
            _ => throw new NotSupportedException(
                $"task kind '{task.Kind}' is not available yet in the lab: the fine-tuning trainer it needs has not landed; " +
                $"available: {string.Join(", ", TaskKinds.All.Where(k => k != TaskKinds.FashionTransfer))}"),
        };
    }
}
