using Descent.Lab.Functions;
using Descent.Lab.Specs;

namespace Descent.Lab.Runs;

/// <summary>Creates the built-in task of a spec's kind.</summary>
public static class LabTasks
{
    /// <summary>The task for <paramref name="task"/>; throws <see cref="NotSupportedException"/> with a clear
    /// message for a kind this build cannot run. <paramref name="outputDirectory"/>, the experiment's folder, is
    /// where a task may cache work shared by its runs (fashion-transfer's pretraining).</summary>
    public static LabTask Create(TaskSpec task, string? outputDirectory = null)
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
            TaskKinds.FashionTransfer => new FashionTransferTask(task, outputDirectory),
            TaskKinds.MiniLmSpam => new MiniLmSpamTask(task),
            _ => throw new NotSupportedException(
                $"task kind '{task.Kind}' is not available in the lab; available: {string.Join(", ", TaskKinds.All)}"),
        };
    }
}
