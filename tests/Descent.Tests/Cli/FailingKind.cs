using Descent.Experiments;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;

namespace Descent.Tests.Cli;

/// <summary>A task kind (<c>always-fails</c>) whose inputs validate but whose every run fails while running: the path of
/// a compare whose runs failed, now that a missing file is refused before any run.</summary>
internal sealed class FailingKind : ILabTask
{
    public const string Message = "always-fails: the run could not read its data";

    public string Kind => "always-fails";

    public IReadOnlyList<TaskKey> Keys { get; } = [];

    public IReadOnlyList<string> Metrics { get; } = ["loss"];

    public string DefaultMetric => "loss";

    /// <summary>The built-in kinds and this one.</summary>
    public static LabTaskRegistry Registry() => ExperimentTasks.Register(new LabTaskRegistry().Register(new FailingKind()));

    public TaskSpec Read(TaskSection section) => section.Common();

    public LabTask CreateRun(TaskSpec task, string? outputDirectory) => new Failing();

    private sealed class Failing : LabTask
    {
        public override RunResult Run(RunContext context) => throw new FileNotFoundException(Message);
    }
}
