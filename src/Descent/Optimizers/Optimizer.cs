using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// Base of all optimizers: parameter groups, <see cref="ZeroGrad"/> and <see cref="Step"/>.
/// </summary>
public abstract class Optimizer
{
    /// <summary>The optimizer's name as in PyTorch (e.g. "Adam").</summary>
    public abstract string Name { get; }

    /// <summary>The parameter groups.</summary>
    public abstract IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Which kernel implementation runs (default <see cref="KernelPath.Auto"/>).</summary>
    public KernelPath KernelPath { get; set; } = KernelPath.Auto;

    /// <summary>Bytes of optimizer state held now, over every parameter that has state (see
    /// <see cref="ParameterState.Bytes"/>): e.g. 8 per parameter for Adam, about 2.03 for 8-bit Adam.</summary>
    public long StateBytes
    {
        get
        {
            long total = 0;
            var groups = Groups;
            for (var i = 0; i < groups.Count; i++)
            {
                var ps = groups[i].Parameters;
                for (var j = 0; j < ps.Count; j++)
                {
                    total += GetState(ps[j])?.Bytes ?? 0;
                }
            }

            return total;
        }
    }

    /// <summary>Clears the gradient of every parameter: to no-gradient by default (PyTorch's
    /// <c>set_to_none=True</c>), or to zeros.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        // Indexed loops: foreach over the interfaces would box an enumerator per call.
        var groups = Groups;
        for (var i = 0; i < groups.Count; i++)
        {
            var ps = groups[i].Parameters;
            for (var j = 0; j < ps.Count; j++)
            {
                ps[j].ZeroGrad(setToNone);
            }
        }
    }

    /// <summary>True when the update treats every element independently and the state is element-wise (one value per
    /// parameter element for each state tensor), so that any contiguous range of the parameters can be stepped on its own
    /// with the same result (e.g. by ZeRO-1 sharding); false when the update needs whole tensors (norms, factored or
    /// orthogonalized updates).</summary>
    public virtual bool StateIsElementwise => false;

    /// <summary>Updates every parameter that has a gradient. Parameters without a gradient are skipped and
    /// their state does not advance.</summary>
    public abstract void Step();

    /// <summary>The state of <paramref name="parameter"/>, or null if it has not been stepped yet.</summary>
    public abstract ParameterState? GetState(Parameter parameter);

    /// <summary>Adds a parameter group with options of this optimizer's options type (untyped form of
    /// PyTorch's add_param_group, for generic helpers such as <see cref="ParameterGroups"/>).</summary>
    public abstract ParameterGroup AddParameterGroup(IEnumerable<Parameter> parameters, OptimizerOptions options, string? name = null);

    /// <summary>Creates the zero state of <paramref name="parameter"/> with its group's options, as its first
    /// step would (used when loading a saved state).</summary>
    public abstract ParameterState CreateInitialState(Parameter parameter);

    /// <summary>Replaces the state of <paramref name="parameter"/> (null: not stepped yet); the state must be
    /// of this optimizer's state type.</summary>
    public abstract void SetParameterState(Parameter parameter, ParameterState? state);
}
