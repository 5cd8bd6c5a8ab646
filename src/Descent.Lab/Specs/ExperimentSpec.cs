namespace Descent.Lab.Specs;

/// <summary>
/// A parsed, validated experiment: a task, a budget, seeds, an optional target, optimizer grids and an
/// optional schedule. Parse one with <see cref="SpecParser"/>; expand it into runs with
/// <see cref="Configurations"/>.
/// </summary>
/// <param name="Name">The experiment's name.</param>
/// <param name="Task">The task.</param>
/// <param name="Budget">The training budget of every run.</param>
/// <param name="Seeds">The seeds; every configuration runs once per seed.</param>
/// <param name="Target">The target, or null.</param>
/// <param name="Optimizers">The optimizer entries.</param>
/// <param name="Schedule">The default schedule, or null.</param>
/// <param name="Metric">The main metric (the target's metric, or the task's default).</param>
/// <param name="Goal">The main metric's direction.</param>
/// <param name="SourceJson">The spec's JSON text as given (stored with the runs).</param>
public sealed record ExperimentSpec(
    string Name,
    TaskSpec Task,
    BudgetSpec Budget,
    IReadOnlyList<int> Seeds,
    TargetSpec? Target,
    IReadOnlyList<OptimizerSpec> Optimizers,
    ScheduleSpec? Schedule,
    string Metric,
    MetricGoal Goal,
    string SourceJson)
{
    /// <summary>Early stopping of hopeless configurations (<c>$.early_stopping</c>), or null: every run trains for the whole budget.</summary>
    public EarlyStoppingSpec? EarlyStopping { get; init; }

    /// <summary>The folder the spec's relative paths were resolved against (<see cref="SpecParser.BaseDirectory"/>: the spec
    /// file's folder), or null for the current directory; parsing <see cref="SourceJson"/> again against it (in another
    /// process, say) gives this spec.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>The largest <see cref="Ranks"/>.</summary>
    public const int MaxRanks = 1024;

    /// <summary>
    /// Processes every run trains on (<c>$.ranks</c>, default 1): with N &gt; 1 each run is data-parallel over N ranks —
    /// every rank takes its shard of each batch of the task's (global) batch size, gradients are averaged across the ranks
    /// (<see cref="Runs.RunContext.DataParallel"/>) — for the kinds that support it (<see cref="Tasks.ILabTask.SupportsDataParallel"/>).
    /// How the processes are started is not the lab's business (the <c>descent</c> CLI starts every run under <c>mpirun -n N</c>).
    /// Results equal one process's to rounding (about 1e-7 relative), not bit for bit, so N &gt; 1 is part of the store's
    /// fingerprint.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in [1, <see cref="MaxRanks"/>].</exception>
    public int Ranks
    {
        get;
        init => field = value is >= 1 and <= MaxRanks
            ? value
            : throw new ArgumentOutOfRangeException(nameof(Ranks), value, $"Ranks must be in [1, {MaxRanks}], got {value}");
    } = 1;

    /// <summary>Every configuration: each optimizer entry's grid expanded, in spec order.</summary>
    public IReadOnlyList<RunConfiguration> Configurations()
    {
        var list = new List<RunConfiguration>();
        for (var i = 0; i < Optimizers.Count; i++)
        {
            var o = Optimizers[i];
            var combos = new List<List<KeyValuePair<string, HyperparameterValue>>> { new() };
            foreach (var (name, values) in o.Hyperparameters)
            {
                var next = new List<List<KeyValuePair<string, HyperparameterValue>>>();
                foreach (var c in combos)
                {
                    foreach (var v in values)
                    {
                        next.Add([.. c, new(name, v)]);
                    }
                }

                combos = next;
            }

            foreach (var c in combos)
            {
                list.Add(new RunConfiguration(list.Count, i, o.Name, o.Label, c, o.Schedule ?? Schedule));
            }
        }

        return list;
    }

    /// <summary>Every run (configuration × seed), configuration-major.</summary>
    public IReadOnlyList<RunDescriptor> Runs() =>
        [.. Configurations().SelectMany(c => Seeds.Select(s => new RunDescriptor(c, s)))];
}
