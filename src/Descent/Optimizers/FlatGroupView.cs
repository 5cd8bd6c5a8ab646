using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// One parameter group seen as a single range: parameters and gradients contiguous (see
/// <see cref="ParameterArena"/>), and every state tensor moved into one buffer per state key with the same
/// layout. The per-parameter states stay valid views into those buffers, so per-parameter updates (the
/// fallback) and state saving see the same memory as the single-sweep update.
/// </summary>
/// <typeparam name="TState">The optimizer's state type.</typeparam>
internal sealed class FlatGroupView<TState>
    where TState : ParameterState
{
    private readonly Parameter[] parameters;
    private readonly ParameterState[] states;
    private readonly int[] offsets;
    private readonly float[] values;
    private readonly float[] gradients;
    private readonly int gradientStart;

    private FlatGroupView(Parameter[] parameters, ParameterState[] states, int[] offsets, float[] values, float[] gradients,
        int gradientStart, Parameter view, Tensor gradientView, TState stateView)
    {
        this.parameters = parameters;
        this.states = states;
        this.offsets = offsets;
        this.values = values;
        this.gradients = gradients;
        this.gradientStart = gradientStart;
        View = view;
        GradientView = gradientView;
        StateView = stateView;
    }

    /// <summary>The group's parameters as one tensor.</summary>
    public Parameter View { get; }

    /// <summary>The group's gradients as one tensor.</summary>
    public Tensor GradientView { get; }

    /// <summary>The group's state as one state object (its tensors span the group).</summary>
    public TState StateView { get; }

    /// <summary>
    /// Builds the view when the group is one contiguous range of parameters and of gradients and every
    /// parameter has state with the same step and the same element-wise tensors as a fresh state of the whole
    /// range; otherwise null. Moves the state tensors into group buffers (copying their values).
    /// </summary>
    public static FlatGroupView<TState>? TryCreate(
        IReadOnlyList<Parameter> ps, ParameterState?[] stateSlots, Func<Parameter, TState> createState)
    {
        var count = ps.Count;
        if (count < 2)
        {
            return null; // one parameter is already one sweep
        }

        var first = ps[0];
        var firstGrad = first.Grad;
        if (firstGrad is null || stateSlots[0] is null)
        {
            return null;
        }

        var offsets = new int[count];
        var total = 0;
        for (var i = 0; i < count; i++)
        {
            var p = ps[i];
            var g = p.Grad;
            if (stateSlots[i] is not { } s || g is null || s.Step != stateSlots[0]!.Step
                || !ReferenceEquals(p.Buffer, first.Buffer) || p.Offset != first.Offset + total
                || !ReferenceEquals(g.Buffer, firstGrad.Buffer) || g.Offset != firstGrad.Offset + total)
            {
                return null;
            }

            offsets[i] = total;
            total += p.Length;
        }

        var view = new Parameter(first.Buffer, first.Offset, [total]);
        var gradView = new Tensor(firstGrad.Buffer, firstGrad.Offset, [total]);
        var stateView = createState(view);
        if (stateView.PackedBuffers.Any() || stateSlots.Any(s => s!.PackedBuffers.Any()))
        {
            return null; // packed (bf16, 8-bit) moments live per parameter and are encoded per parameter's blocks
        }

        var keys = stateView.Tensors.ToList();
        var perState = new List<KeyValuePair<string, Tensor>>[count];
        for (var i = 0; i < count; i++)
        {
            var list = stateSlots[i]!.Tensors.ToList();
            if (list.Count != keys.Count)
            {
                return null;
            }

            for (var k = 0; k < list.Count; k++)
            {
                if (list[k].Key != keys[k].Key || list[k].Value.Length != ps[i].Length
                    || ReferenceEquals(list[k].Value.Buffer, ps[i].Buffer))
                {
                    return null;
                }
            }

            perState[i] = list;
        }

        for (var i = 0; i < count; i++)
        {
            for (var k = 0; k < keys.Count; k++)
            {
                var target = keys[k].Value;
                perState[i][k].Value.MoveStorage(target.Buffer, target.Offset + offsets[i]);
            }
        }

        return new FlatGroupView<TState>([.. ps], [.. stateSlots!], offsets, first.Buffer, firstGrad.Buffer,
            firstGrad.Offset, view, gradView, stateView);
    }

    /// <summary>True when the group still matches this view: same parameters, storage, gradients in place
    /// for every parameter, same state objects, all at the same step. Allocation-free.</summary>
    public bool Matches(IReadOnlyList<Parameter> ps, ParameterState?[] stateSlots)
    {
        if (ps.Count != parameters.Length)
        {
            return false;
        }

        var start = View.Offset;
        var step = states[0].Step;
        for (var i = 0; i < parameters.Length; i++)
        {
            var p = ps[i];
            var g = p.Grad;
            if (!ReferenceEquals(p, parameters[i]) || !ReferenceEquals(p.Buffer, values) || p.Offset != start + offsets[i]
                || g is null || !ReferenceEquals(g.Buffer, gradients) || g.Offset != gradientStart + offsets[i]
                || !ReferenceEquals(stateSlots[i], states[i]) || states[i].Step != step)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Advances every parameter's step (and the view's) by one; returns the new step.</summary>
    public long AdvanceStep()
    {
        var step = states[0].Step + 1;
        foreach (var s in states)
        {
            s.Step = step;
        }

        StateView.Step = step;
        return step;
    }
}
