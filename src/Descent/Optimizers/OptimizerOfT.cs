using Descent.Autodiff;
using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// An optimizer with typed options and typed per-parameter state. Subclasses implement
/// <see cref="CreateState"/> and <see cref="Update"/>; the base walks the groups, skips parameters with no
/// gradient, creates state lazily on a parameter's first step and runs updates without recording.
/// </summary>
public abstract class Optimizer<TOptions, TState> : Optimizer
    where TOptions : OptimizerOptions
    where TState : ParameterState
{
    private readonly List<ParameterGroup<TOptions>> groups = [];
    private readonly HashSet<Parameter> seen = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ParameterGroup<TOptions>, FlatGroupView<TState>?> flatViews = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<ParameterGroup<TOptions>> flatIncompatible = new(ReferenceEqualityComparer.Instance);

    /// <summary>Creates the optimizer with one group holding <paramref name="parameters"/>.</summary>
    protected Optimizer(IEnumerable<Parameter> parameters, TOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(defaults);
        defaults.Validate();
        Defaults = defaults;
        AddGroup(parameters, defaults);
    }

    /// <summary>Creates the optimizer from several groups (each with its own options).</summary>
    protected Optimizer(IEnumerable<(IEnumerable<Parameter> Parameters, TOptions Options)> parameterGroups, TOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(parameterGroups);
        ArgumentNullException.ThrowIfNull(defaults);
        defaults.Validate();
        Defaults = defaults;
        foreach (var (ps, o) in parameterGroups)
        {
            AddGroup(ps, o);
        }
    }

    /// <summary>The options that new groups get when none are given.</summary>
    public TOptions Defaults { get; }

    /// <summary>The typed parameter groups.</summary>
    public IReadOnlyList<ParameterGroup<TOptions>> TypedGroups => groups;

    /// <inheritdoc />
    public override IReadOnlyList<ParameterGroup> Groups => groups;

    /// <summary>Adds a parameter group (PyTorch: add_param_group). A parameter may belong to one group only.</summary>
    public ParameterGroup<TOptions> AddGroup(IEnumerable<Parameter> parameters, TOptions? options = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        foreach (var p in list)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (seen.Contains(p))
            {
                throw new ArgumentException(
                    $"a parameter of shape {ShapeUtil.Format(p.Shape)} appears in more than one parameter group", nameof(parameters));
            }
        }

        var group = new ParameterGroup<TOptions>(list, options ?? Defaults, name);
        foreach (var p in list)
        {
            seen.Add(p);
        }

        groups.Add(group);
        return group;
    }

    /// <inheritdoc />
    public override void Step()
    {
        using var _ = Tape.NoGrad();
        foreach (var group in groups)
        {
            BeginGroup(group);
            var ps = group.Parameters;
            var states = group.States;
            if (UpdatesElementwise && TryStepFlat(group))
            {
                continue;
            }

            for (var i = 0; i < ps.Count; i++)
            {
                var p = ps[i];
                var grad = p.Grad;
                if (grad is null)
                {
                    continue;
                }

                var state = (TState)(states[i] ??= CreateState(p, group.Options));
                state.Step++;
                Update(p, grad, state, group.Options);
            }
        }
    }

    /// <inheritdoc />
    public override ParameterState? GetState(Parameter parameter)
    {
        var (g, i) = Locate(parameter);
        return g?.States[i];
    }

    /// <summary>Sets the state of a parameter (used when loading a saved optimizer state).</summary>
    public void SetState(Parameter parameter, TState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var (g, i) = Owner(parameter);
        g.States[i] = state;
    }

    /// <inheritdoc />
    public override ParameterGroup AddParameterGroup(IEnumerable<Parameter> parameters, OptimizerOptions options, string? name = null) =>
        AddGroup(parameters, options as TOptions ?? throw new ArgumentException(
            $"{Name} needs {typeof(TOptions).Name}, got {options?.GetType().Name ?? "null"}", nameof(options)), name);

    /// <inheritdoc />
    public override ParameterState CreateInitialState(Parameter parameter) => CreateState(parameter, Owner(parameter).Group.Options);

    /// <inheritdoc />
    public override void SetParameterState(Parameter parameter, ParameterState? state)
    {
        if (state is not null and not TState)
        {
            throw new ArgumentException(
                $"{Name} needs a {typeof(TState).Name}, got a {state.GetType().Name}", nameof(state));
        }

        var (g, i) = Owner(parameter);
        g.States[i] = state;
    }

    /// <summary>The group holding <paramref name="parameter"/> and its index there; (null, −1) when none does.</summary>
    private (ParameterGroup<TOptions>? Group, int Index) Locate(Parameter parameter)
    {
        foreach (var g in groups)
        {
            for (var i = 0; i < g.Parameters.Count; i++)
            {
                if (ReferenceEquals(g.Parameters[i], parameter))
                {
                    return (g, i);
                }
            }
        }

        return (null, -1);
    }

    /// <summary>As <see cref="Locate"/>, throwing when the parameter does not belong to this optimizer.</summary>
    private (ParameterGroup<TOptions> Group, int Index) Owner(Parameter parameter)
    {
        var (g, i) = Locate(parameter);
        return g is null ? throw new ArgumentException("the parameter does not belong to this optimizer", nameof(parameter)) : (g, i);
    }

    /// <inheritdoc />
    public sealed override bool StateIsElementwise => UpdatesElementwise;

    /// <summary>
    /// True when <see cref="Update"/> treats every element independently (no norms, no shape-dependent state),
    /// so that a group whose parameters, gradients and states are each one contiguous range (see
    /// <see cref="ParameterArena"/>) is updated by one <see cref="Update"/> call over the whole range. The result
    /// is identical to per-parameter updates. Default false.
    /// </summary>
    protected virtual bool UpdatesElementwise => false;

    /// <summary>Creates the zero state of a parameter (called on its first step, or before loading).</summary>
    public abstract TState CreateState(Parameter parameter, TOptions options);

    /// <summary>Updates the whole group in one sweep when it is one contiguous range in which every parameter has
    /// a gradient and state at the same step (built on the first such step; later steps only verify it).</summary>
    private bool TryStepFlat(ParameterGroup<TOptions> group)
    {
        var ps = group.Parameters;
        var states = group.States;
        if (!flatViews.TryGetValue(group, out var view) || view is null || !view.Matches(ps, states))
        {
            if (flatIncompatible.Contains(group))
            {
                return false;
            }

            // Build (or rebuild) only when the layout qualifies; the check is cheap and allocation-free
            // when it does not (a parameter without gradient or state, or not in one arena).
            view = null;
            if (Qualifies(ps, states))
            {
                // The layout qualifies, so a failure here is structural (state tensors that are not
                // element-wise, or differ from a fresh state): never try this group again.
                view = CreateFlatView(group);
                if (view is null)
                {
                    flatIncompatible.Add(group);
                }
            }

            flatViews[group] = view;
            if (view is null)
            {
                return false;
            }
        }

        view.AdvanceStep();
        Update(view.View, view.GradientView, view.StateView, group.Options);
        return true;
    }

    // Separate method: a lambda capturing the group would allocate its closure on every TryStepFlat call.
    private FlatGroupView<TState>? CreateFlatView(ParameterGroup<TOptions> group) =>
        FlatGroupView<TState>.TryCreate(group.Parameters, group.States, p => CreateState(p, group.Options));

    private static bool Qualifies(IReadOnlyList<Parameter> ps, ParameterState?[] states)
    {
        if (ps.Count < 2)
        {
            return false;
        }

        var first = ps[0];
        var grad = first.Grad;
        if (grad is null || states[0] is null)
        {
            return false;
        }

        var total = 0;
        for (var i = 0; i < ps.Count; i++)
        {
            var p = ps[i];
            var g = p.Grad;
            if (g is null || states[i] is null || states[i]!.Step != states[0]!.Step
                || !ReferenceEquals(p.Buffer, first.Buffer) || p.Offset != first.Offset + total
                || !ReferenceEquals(g.Buffer, grad.Buffer) || g.Offset != grad.Offset + total)
            {
                return false;
            }

            total += p.Length;
        }

        return true;
    }

    /// <summary>Hook called once per group per step before its parameters (e.g. to hoist group scalars).</summary>
    protected virtual void BeginGroup(ParameterGroup<TOptions> group)
    {
    }

    /// <summary>Updates one parameter in place. <paramref name="state"/>.Step has already been incremented.</summary>
    protected abstract void Update(Parameter parameter, Tensor grad, TState state, TOptions options);
}
