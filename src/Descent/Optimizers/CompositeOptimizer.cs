using Descent.Nn;

namespace Descent.Optimizers;

/// <summary>
/// Several optimizers over disjoint parameters, used as one (e.g. Muon for hidden matrices and AdamW for the rest,
/// see <see cref="MuonParameterGroups"/>): <see cref="Step"/> steps each in order; <see cref="Groups"/> lists every
/// part's groups in order, so schedules, the Learner, gradient clipping and checkpoints work unchanged (a schedule
/// scales each group's own initial learning rate); state queries go to the part that holds the parameter.
/// </summary>
public sealed class CompositeOptimizer : Optimizer
{
    private readonly Optimizer[] parts;
    private ParameterGroup[] groups;

    /// <summary>Combines <paramref name="parts"/> (at least one; no parameter in two of them).</summary>
    /// <exception cref="ArgumentException">No part, a null part, or a parameter held by two parts.</exception>
    public CompositeOptimizer(params IReadOnlyList<Optimizer> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("a composite optimizer needs at least one part", nameof(parts));
        }

        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part, nameof(parts));
            foreach (var g in part.Groups)
            {
                foreach (var p in g.Parameters)
                {
                    if (!seen.Add(p))
                    {
                        throw new ArgumentException(
                            $"a parameter of shape {ShapeUtil.Format(p.Shape)} belongs to two parts of the composite optimizer", nameof(parts));
                    }
                }
            }
        }

        this.parts = [.. parts];
        groups = [.. parts.SelectMany(p => p.Groups)];
        Name = string.Join("+", this.parts.Select(p => p.Name));
    }

    /// <summary>The parts, in stepping order.</summary>
    public IReadOnlyList<Optimizer> Parts => parts;

    /// <summary>The parts' names joined by "+" (e.g. <c>Muon+AdamW</c>); checkpoints record it.</summary>
    public override string Name { get; }

    /// <inheritdoc />
    public override IReadOnlyList<ParameterGroup> Groups => groups;

    /// <summary>Steps every part (each with this optimizer's <see cref="Optimizer.KernelPath"/>).</summary>
    public override void Step()
    {
        foreach (var part in parts)
        {
            part.KernelPath = KernelPath;
            part.Step();
        }
    }

    /// <inheritdoc />
    public override ParameterState? GetState(Parameter parameter) => Owner(parameter)?.GetState(parameter);

    /// <summary>Adds a group to the first part whose groups take options of <paramref name="options"/>' type.</summary>
    /// <exception cref="ArgumentException">No part takes that options type, or a parameter already belongs to a part.</exception>
    public override ParameterGroup AddParameterGroup(IEnumerable<Parameter> parameters, OptimizerOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        var part = parts.FirstOrDefault(p => p.Groups.Count > 0 && p.Groups[0].BaseOptions.GetType() == options.GetType())
            ?? throw new ArgumentException($"no part of {Name} takes {options.GetType().Name}", nameof(options));
        var list = parameters.ToList();
        foreach (var p in list)
        {
            if (p is not null && Owner(p) is not null)
            {
                throw new ArgumentException(
                    $"a parameter of shape {ShapeUtil.Format(p.Shape)} appears in more than one parameter group", nameof(parameters));
            }
        }

        var group = part.AddParameterGroup(list, options, name);
        groups = [.. parts.SelectMany(p => p.Groups)];
        return group;
    }

    /// <inheritdoc />
    public override ParameterState CreateInitialState(Parameter parameter) => Required(parameter).CreateInitialState(parameter);

    /// <inheritdoc />
    public override void SetParameterState(Parameter parameter, ParameterState? state) => Required(parameter).SetParameterState(parameter, state);

    private Optimizer? Owner(Parameter parameter)
    {
        foreach (var part in parts)
        {
            var gs = part.Groups;
            for (var g = 0; g < gs.Count; g++)
            {
                var ps = gs[g].Parameters;
                for (var i = 0; i < ps.Count; i++)
                {
                    if (ReferenceEquals(ps[i], parameter))
                    {
                        return part;
                    }
                }
            }
        }

        return null;
    }

    private Optimizer Required(Parameter parameter) =>
        Owner(parameter) ?? throw new ArgumentException("the parameter does not belong to this optimizer", nameof(parameter));
}
