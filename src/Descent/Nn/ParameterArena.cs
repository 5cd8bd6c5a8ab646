namespace Descent.Nn;

/// <summary>
/// Puts parameters into one contiguous buffer and their gradients into another, so that an element-wise
/// optimizer can update a whole parameter group in a single sweep over memory (see
/// <see cref="Optimizers.Optimizer{TOptions, TState}"/>, which then also keeps that group's state contiguous).
/// </summary>
/// <remarks>
/// <para>Each parameter becomes a view into <see cref="Values"/> (<see cref="Tensor.MoveStorage"/>; values are
/// copied) and its gradient is created in <see cref="Gradients"/> at the same offset
/// (<see cref="Tensor.GradStorage"/>; an existing gradient is copied). Parameters keep their order, so flatten
/// in optimizer-group order (<c>ParameterArena.Flatten(optimizer.Groups.SelectMany(g =&gt; g.Parameters))</c>)
/// to make every group one range.</para>
/// <para>Nothing else changes: parameters added to the model later keep their own storage, frozen parameters
/// simply never get a gradient, and calling <c>Flatten</c> again re-homes everything into a new arena. An
/// optimizer falls back to per-parameter updates for any group that is not (or no longer) one contiguous
/// range with gradients for every parameter.</para>
/// </remarks>
public sealed class ParameterArena
{
    private readonly Dictionary<Parameter, int> offsets;

    private ParameterArena(List<Parameter> parameters, Dictionary<Parameter, int> offsets, int length)
    {
        Parameters = parameters;
        this.offsets = offsets;
        Length = length;
        Values = new float[length];
        Gradients = new float[length];
    }

    /// <summary>The parameters, in storage order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Total number of elements.</summary>
    public int Length { get; }

    /// <summary>The parameter values, contiguous in <see cref="Parameters"/> order.</summary>
    public float[] Values { get; }

    /// <summary>The gradients, at the same offsets as the values.</summary>
    public float[] Gradients { get; }

    /// <summary>Flattens a module's parameters: those that require a gradient first (in
    /// <see cref="Module.Parameters"/> order), then the frozen ones, so that the trainable ones form one range.</summary>
    public static ParameterArena Flatten(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var all = module.Parameters().ToList();
        return Flatten(all.Where(p => p.RequiresGrad).Concat(all.Where(p => !p.RequiresGrad)));
    }

    /// <summary>Flattens <paramref name="parameters"/> in the given order (a parameter listed twice is placed once).</summary>
    public static ParameterArena Flatten(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = new List<Parameter>();
        var offsets = new Dictionary<Parameter, int>(ReferenceEqualityComparer.Instance);
        long total = 0;
        foreach (var p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (offsets.TryAdd(p, (int)Math.Min(total, int.MaxValue)))
            {
                list.Add(p);
                total += p.Length;
                if (total > Array.MaxLength)
                {
                    throw new ArgumentException(
                        $"the parameters hold {total} elements, more than one array can ({Array.MaxLength})", nameof(parameters));
                }
            }
        }

        var arena = new ParameterArena(list, offsets, (int)total);
        foreach (var p in list)
        {
            var offset = offsets[p];
            p.MoveStorage(arena.Values, offset);
            p.GradStorage = new Tensor(arena.Gradients, offset, p.Shape);
        }

        return arena;
    }

    /// <summary>Whether <paramref name="parameter"/> was placed in this arena.</summary>
    public bool Contains(Parameter parameter) => offsets.ContainsKey(parameter);

    /// <summary>Offset of <paramref name="parameter"/> in <see cref="Values"/> and <see cref="Gradients"/>, or −1.</summary>
    public int OffsetOf(Parameter parameter) => offsets.TryGetValue(parameter, out var o) ? o : -1;
}
