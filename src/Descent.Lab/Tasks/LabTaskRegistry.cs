namespace Descent.Lab.Tasks;

/// <summary>
/// The task kinds a spec may name, in registration order (the order error messages list them in). The spec parser
/// looks kinds up here; <see cref="Default"/> is the registry the parser uses unless given another.
/// </summary>
public sealed class LabTaskRegistry
{
    private readonly List<ILabTask> tasks = [];
    private readonly Lock gate = new();

    /// <summary>The process-wide registry (empty until a program registers kinds, e.g. the built-in ones of
    /// <c>Descent.Experiments.ExperimentTasks</c>).</summary>
    public static LabTaskRegistry Default { get; } = new();

    /// <summary>The registered kinds, in registration order.</summary>
    public IReadOnlyList<ILabTask> Tasks
    {
        get
        {
            lock (gate)
            {
                return [.. tasks];
            }
        }
    }

    /// <summary>The registered kind names, in registration order.</summary>
    public IReadOnlyList<string> Kinds => [.. Tasks.Select(t => t.Kind)];

    /// <summary>Registers <paramref name="task"/>; a kind can be registered once.</summary>
    /// <exception cref="ArgumentException">A task of the same kind is already registered.</exception>
    public LabTaskRegistry Register(ILabTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(task.Kind, nameof(task));
        lock (gate)
        {
            if (tasks.Any(t => t.Kind == task.Kind))
            {
                throw new ArgumentException($"task kind '{task.Kind}' is already registered", nameof(task));
            }

            tasks.Add(task);
        }

        return this;
    }

    /// <summary>True when a task of <paramref name="kind"/> is registered.</summary>
    public bool Contains(string kind) => Find(kind) is not null;

    /// <summary>The task of <paramref name="kind"/>, or null.</summary>
    public ILabTask? Find(string kind)
    {
        lock (gate)
        {
            return tasks.FirstOrDefault(t => t.Kind == kind);
        }
    }

    /// <summary>The task of <paramref name="kind"/>.</summary>
    /// <exception cref="NotSupportedException">No such kind is registered (the message lists the registered ones).</exception>
    public ILabTask Get(string kind) => Find(kind) ?? throw new NotSupportedException(
        $"task kind '{kind}' is not available in the lab; available: {string.Join(", ", Kinds)}");

    /// <summary>Every key of <c>$.task</c> some registered kind reads (each once, by first registration).</summary>
    public IReadOnlyList<TaskKey> Keys => [.. Tasks.SelectMany(t => t.Keys).DistinctBy(k => k.Name)];
}
