using Descent.Lab.Functions;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;

namespace Descent.Experiments.TestFunctions;

/// <summary>A 2-D test function as a lab task (<see cref="TestFunctionTask"/>): the kind is the function's name, the
/// report draws its contours and each optimizer's trajectory.</summary>
public sealed class TestFunctionKind : ILabTask
{
    /// <summary>Creates the task of <paramref name="function"/>; <paramref name="defaultNoise"/> is the gradient noise
    /// when the spec gives none (1 for <c>noisy-quadratic</c>).</summary>
    public TestFunctionKind(TestFunction function, double defaultNoise = 0)
    {
        Surface = function ?? throw new ArgumentNullException(nameof(function));
        DefaultNoise = defaultNoise;
    }

    /// <inheritdoc />
    public string Kind => Surface.Name;

    /// <inheritdoc />
    public TestFunction Surface { get; }

    /// <summary>The gradient noise when the spec gives none.</summary>
    public double DefaultNoise { get; }

    /// <inheritdoc />
    public IReadOnlyList<TaskKey> Keys { get; } = [TaskKeys.BatchSize, TaskKeys.Start, TaskKeys.Noise, TaskKeys.L2, TaskKeys.Samples];

    /// <inheritdoc />
    public IReadOnlyList<string> Metrics { get; } = ["loss", "distance"];

    /// <inheritdoc />
    public string DefaultMetric => "loss";

    /// <inheritdoc />
    public TaskSpec Read(TaskSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return section.Common(noise: DefaultNoise);
    }

    /// <inheritdoc />
    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new TestFunctionTask(Surface);
}
