using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Base of the epoch-indexed learning-rate schedules (PyTorch: <c>torch.optim.lr_scheduler.LRScheduler</c>).
/// </summary>
/// <remarks>
/// <para>Usage is PyTorch's: the constructor performs the initial step (setting each group's learning rate
/// for step 0); then per epoch (or batch) call <c>optimizer.Step()</c> followed by <see cref="Step"/>.
/// <see cref="LastEpoch"/> counts the steps taken; the learning rate used by the next optimizer step is each
/// group's <see cref="ParameterGroup.LearningRate"/>.</para>
/// <para>Like PyTorch, the schedules are <em>chainable</em>: a step computes the new learning rate from the
/// group's current one (recursive form), so several schedules can act on one optimizer
/// (<see cref="ChainedScheduler"/>) and learning-rate changes made from outside are respected. Where PyTorch
/// uses the closed form (a <see cref="SequentialScheduler"/> milestone), so does Descent. Each schedule reproduces
/// PyTorch's float64 arithmetic in the same order, so learning rates agree to the last bits.</para>
/// <para>Works with any <see cref="Optimizer"/>: it only reads and writes
/// <see cref="ParameterGroup.LearningRate"/> (and, for OneCycleLR, the momentum or β₁ option).</para>
/// </remarks>
public abstract class LearningRateScheduler : ILearningRateScheduler
{
    private readonly double[] lastLearningRates;
    private readonly double[] scratch;
    private double[] baseLearningRates;

    /// <summary>Attaches the schedule to <paramref name="optimizer"/>; the base learning rates are the groups'
    /// <see cref="ParameterGroup.InitialLearningRate"/>. Derived constructors finish with
    /// <see cref="InitialStep"/>.</summary>
    protected LearningRateScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        var groups = optimizer.Groups;
        baseLearningRates = new double[groups.Count];
        lastLearningRates = new double[groups.Count];
        scratch = new double[groups.Count];
        for (var i = 0; i < groups.Count; i++)
        {
            baseLearningRates[i] = groups[i].InitialLearningRate;
            lastLearningRates[i] = groups[i].LearningRate;
        }

        LastEpoch = -1;
    }

    /// <inheritdoc />
    public Optimizer Optimizer { get; }

    /// <summary>The learning rate each group's schedule starts from (PyTorch: <c>base_lrs</c>).</summary>
    public IReadOnlyList<double> BaseLearningRates => baseLearningRates;

    /// <inheritdoc />
    public IReadOnlyList<double> LastLearningRates => lastLearningRates;

    /// <summary>The index of the last step taken (PyTorch: <c>last_epoch</c>); 0 after construction.</summary>
    public int LastEpoch { get; private protected set; }

    /// <summary>Number of <see cref="Step"/> calls including the initial one (PyTorch: <c>_step_count</c>).</summary>
    protected int StepCount { get; private set; }

    /// <summary>True while the constructor's initial step runs (PyTorch: <c>_is_initial</c>).</summary>
    protected bool IsInitial { get; private set; }

    /// <summary>The optimizer's parameter groups.</summary>
    protected IReadOnlyList<ParameterGroup> Groups => Optimizer.Groups;

    /// <summary>Whether <see cref="ClosedFormLearningRate"/> is available.</summary>
    protected virtual bool HasClosedForm => false;

    /// <summary>Advances the schedule by one step and sets every group's learning rate.</summary>
    public virtual void Step()
    {
        StepCount++;
        UpdateLearningRates(null);
    }

    /// <inheritdoc />
    public virtual SchedulerState GetState()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        WriteValues(values);
        return new SchedulerState
        {
            Scheduler = GetType().Name,
            LastEpoch = LastEpoch,
            StepCount = StepCount,
            BaseLearningRates = (double[])baseLearningRates.Clone(),
            LastLearningRates = (double[])lastLearningRates.Clone(),
            Values = values,
            Children = [.. Children.Select(c => c.GetState())],
        };
    }

    /// <inheritdoc />
    public virtual void LoadState(SchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Scheduler != GetType().Name)
        {
            throw new ArgumentException(
                $"the saved schedule is a {state.Scheduler}, but this one is a {GetType().Name}", nameof(state));
        }

        CheckLength(state.BaseLearningRates, "BaseLearningRates");
        CheckLength(state.LastLearningRates, "LastLearningRates");
        var children = Children;
        if (state.Children.Count != children.Count)
        {
            throw new ArgumentException(
                $"the saved {state.Scheduler} wraps {state.Children.Count} schedules, but this one wraps {children.Count}",
                nameof(state));
        }

        ReadValues(state.Values);
        for (var i = 0; i < children.Count; i++)
        {
            children[i].LoadState(state.Children[i]);
        }

        LastEpoch = state.LastEpoch;
        StepCount = state.StepCount;
        baseLearningRates = (double[])state.BaseLearningRates.Clone();
        state.LastLearningRates.CopyTo(lastLearningRates, 0);
    }

    /// <summary>Runs the initial step that sets the learning rates for step 0 (PyTorch: <c>_initial_step</c>).
    /// Every derived constructor calls it last.</summary>
    protected internal void InitialStep()
    {
        StepCount = 0;
        IsInitial = true;
        try
        {
            Step();
        }
        finally
        {
            IsInitial = false;
        }
    }

    /// <summary>The new learning rate of group <paramref name="group"/> at <see cref="LastEpoch"/>, computed from
    /// the group's current learning rate (PyTorch: <c>get_lr()</c>).</summary>
    protected abstract double ComputeLearningRate(int group);

    /// <summary>The learning rate of group <paramref name="group"/> at <see cref="LastEpoch"/> from the base
    /// learning rate alone (PyTorch: <c>_get_closed_form_lr()</c>).</summary>
    protected virtual double ClosedFormLearningRate(int group) =>
        throw new NotSupportedException($"{GetType().Name} has no closed form");

    /// <summary>Adds schedule-specific numbers to a saved state.</summary>
    protected virtual void WriteValues(IDictionary<string, double> values)
    {
    }

    /// <summary>Reads the numbers written by <see cref="WriteValues"/>.</summary>
    protected virtual void ReadValues(IReadOnlyDictionary<string, double> values)
    {
    }

    /// <summary>Reads a saved number, failing clearly when it is missing.</summary>
    protected double ReadValue(IReadOnlyDictionary<string, double> values, string name)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.TryGetValue(name, out var v)
            ? v
            : throw new ArgumentException($"the saved {GetType().Name} state has no value '{name}'", nameof(values));
    }

    /// <summary>The schedules this one wraps (none by default).</summary>
    private protected virtual IReadOnlyList<LearningRateScheduler> Children => [];

    /// <summary>Sets the learning rates: one step further (<paramref name="epoch"/> null, recursive form) or at
    /// an explicit epoch (closed form where there is one). PyTorch: <c>_update_lr</c>.</summary>
    internal virtual void UpdateLearningRates(int? epoch)
    {
        CheckGroupCount();
        var closed = false;
        if (epoch is null)
        {
            LastEpoch++;
        }
        else
        {
            LastEpoch = epoch.Value;
            closed = HasClosedForm;
        }

        // PyTorch computes every group's value before assigning any.
        for (var i = 0; i < scratch.Length; i++)
        {
            scratch[i] = closed ? ClosedFormLearningRate(i) : ComputeLearningRate(i);
        }

        SetLearningRates(scratch);
    }

    /// <summary>Undoes the counter change of the initial step (SequentialLR's <c>recursive_undo</c>).</summary>
    internal virtual void UndoInitialStep() => LastEpoch--;

    /// <summary>Whether a SequentialLR may restart this schedule at a milestone.</summary>
    internal virtual bool CanRestart => true;

    /// <summary>Sets every group's learning rate to <see cref="ComputeLearningRate"/> (all computed first).</summary>
    private protected void ApplyComputedLearningRates()
    {
        CheckGroupCount();
        for (var i = 0; i < scratch.Length; i++)
        {
            scratch[i] = ComputeLearningRate(i);
        }

        SetLearningRates(scratch);
    }

    /// <summary>Sets every group's learning rate and records them as the last learning rates.</summary>
    private protected void SetLearningRates(ReadOnlySpan<double> values)
    {
        var groups = Groups;
        for (var i = 0; i < values.Length; i++)
        {
            groups[i].LearningRate = values[i];
        }

        RecordLastLearningRates();
    }

    /// <summary>Copies the groups' current learning rates into <see cref="LastLearningRates"/>.</summary>
    private protected void RecordLastLearningRates()
    {
        CheckGroupCount();
        var groups = Groups;
        for (var i = 0; i < lastLearningRates.Length; i++)
        {
            lastLearningRates[i] = groups[i].LearningRate;
        }
    }

    /// <summary>Re-reads the base learning rates from the groups (after a schedule changed them).</summary>
    private protected void ResetBaseLearningRates()
    {
        for (var i = 0; i < baseLearningRates.Length; i++)
        {
            baseLearningRates[i] = Groups[i].InitialLearningRate;
        }
    }

    private protected void CheckGroupCount()
    {
        if (Groups.Count != baseLearningRates.Length)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} was created for {baseLearningRates.Length} parameter groups, but the optimizer now has " +
                $"{Groups.Count}; create the schedule after adding every group");
        }
    }

    private void CheckLength(double[] values, string name)
    {
        if (values is null || values.Length != baseLearningRates.Length)
        {
            throw new ArgumentException(
                $"the saved {GetType().Name} state has {values?.Length ?? 0} {name}, but the optimizer has " +
                $"{baseLearningRates.Length} parameter groups", nameof(values));
        }
    }
}
