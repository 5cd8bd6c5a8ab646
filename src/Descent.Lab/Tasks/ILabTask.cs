using Descent.Lab.Functions;
using Descent.Lab.Runs;
using Descent.Lab.Specs;

namespace Descent.Lab.Tasks;

/// <summary>
/// A kind of problem the lab trains on (<c>$.task.kind</c>), in one place: its spec section (which keys it reads and
/// how they are validated), its metrics, its contribution to the run store's fingerprint, its JSON-schema fragment and
/// how one run trains. The lab names no task: kinds are registered into a <see cref="LabTaskRegistry"/> (the built-in
/// ones by <c>Descent.Experiments.ExperimentTasks</c>, wired by the CLI), and a program can register its own.
/// </summary>
public interface ILabTask
{
    /// <summary>The spec name of the kind (<c>$.task.kind</c>), e.g. <c>digits-mlp</c>.</summary>
    string Kind { get; }

    /// <summary>The <c>$.task</c> keys this kind reads besides <c>kind</c>; a key another registered kind owns is
    /// rejected with its <see cref="TaskKey.Rejection"/>.</summary>
    IReadOnlyList<TaskKey> Keys { get; }

    /// <summary>The metrics a run of this kind records (the names a <c>$.target.metric</c> may use).</summary>
    IReadOnlyList<string> Metrics { get; }

    /// <summary>The metric reported as the main result when the spec names no target.</summary>
    string DefaultMetric { get; }

    /// <summary>The metrics a run of <paramref name="task"/> records, for a kind whose metrics depend on its settings
    /// (a <c>csv</c> task's <c>problem</c>); the default is <see cref="Metrics"/>.</summary>
    IReadOnlyList<string> MetricsOf(TaskSpec task) => Metrics;

    /// <summary>The main metric of <paramref name="task"/> when the spec names no target; the default is
    /// <see cref="DefaultMetric"/>.</summary>
    string DefaultMetricOf(TaskSpec task) => DefaultMetric;

    /// <summary>The 2-D surface a run moves on, for the report's trajectory and contour charts; null for other tasks.</summary>
    TestFunction? Surface => null;

    /// <summary>Whether runs of this kind can train data-parallel when the spec's <see cref="ExperimentSpec.Ranks"/> is above
    /// 1: they train through <see cref="Runs.SupervisedTraining"/> (which shards every batch and adds the context's
    /// <see cref="Runs.RunContext.DataParallel"/> callback), or honour that callback themselves. A kind that does not
    /// (the default) refuses <c>$.ranks</c> &gt; 1 when the spec is read, before any run.</summary>
    bool SupportsDataParallel => false;

    /// <summary>Reads and validates the kind's <c>$.task</c> section; problems go to <paramref name="section"/> with their
    /// JSON paths. Start from <see cref="TaskSection.Common"/>.</summary>
    TaskSpec Read(TaskSection section);

    /// <summary>What this kind adds to the run store's fingerprint (after the common task fields and the budget): the
    /// settings that must not change between runs stored together; empty when the common fields say it all.</summary>
    string Fingerprint(TaskSpec task) => string.Empty;

    /// <summary>Opens and checks everything <paramref name="task"/> names — data files and folders, checkpoints — before
    /// the first run starts and before anything is stored, so that a bad input fails at once. Throws
    /// <see cref="SpecValidationException"/> (or a format exception of the reader) whose message names the file, and the
    /// row and column where there are any. The default checks nothing.</summary>
    void Validate(TaskSpec task)
    {
    }

    /// <summary>What one run of <paramref name="task"/> holds in memory (its parameters, and its activations at the
    /// peak of a step), estimated from the model's shape and the batch size without building anything; the lab adds the
    /// gradients and each optimizer's state and refuses a spec whose runs cannot fit
    /// (<see cref="Runs.ResourceLimits"/>). Null (the default): small enough not to matter.</summary>
    MemoryFootprint? Footprint(TaskSpec task) => null;

    /// <summary>Creates what performs the runs of <paramref name="task"/>. <paramref name="outputDirectory"/>, the
    /// experiment's folder, is where a task may cache work shared by its runs.</summary>
    LabTask CreateRun(TaskSpec task, string? outputDirectory);
}
