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

        throw new NotSupportedException(
            $"task kind '{task.Kind}' is not available yet in this build of Descent; available: {string.Join(", ", TaskKinds.TestFunctions)}");
    }
}
