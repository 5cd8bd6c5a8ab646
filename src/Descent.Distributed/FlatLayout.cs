using Descent.Nn;

namespace Descent.Distributed;

/// <summary>The parameters of an optimizer as one contiguous range of values and one of gradients (a
/// <see cref="ParameterArena"/>, flattened here when they are not already), with each parameter's offset.</summary>
internal sealed class FlatLayout
{
    private readonly Dictionary<Tensor, int> indices = new(ReferenceEqualityComparer.Instance);

    private FlatLayout(Parameter[] parameters)
    {
        Parameters = parameters;
        Offsets = new int[parameters.Length + 1];
        for (var i = 0; i < parameters.Length; i++)
        {
            Offsets[i + 1] = Offsets[i] + parameters[i].Length;
            indices[parameters[i]] = i;
        }

        Length = Offsets[^1];
        Values = parameters.Length == 0 ? [] : parameters[0].Buffer;
        ValuesStart = parameters.Length == 0 ? 0 : parameters[0].Offset;
        Gradients = parameters.Length == 0 ? [] : parameters[0].GradStorage!.Buffer;
        GradientsStart = parameters.Length == 0 ? 0 : parameters[0].GradStorage!.Offset;
    }

    public Parameter[] Parameters { get; }

    /// <summary>Offsets of the parameters in the range, plus the total at the end.</summary>
    public int[] Offsets { get; }

    public int Length { get; }

    public float[] Values { get; }

    public int ValuesStart { get; }

    public float[] Gradients { get; }

    public int GradientsStart { get; }

    public Memory<float> ValueRange => Values.AsMemory(ValuesStart, Length);

    public Memory<float> GradientRange => Gradients.AsMemory(GradientsStart, Length);

    /// <summary>The layout of <paramref name="parameters"/>, flattening them into a new arena unless they already are one
    /// contiguous range of values and of gradient storage in this order.</summary>
    public static FlatLayout Of(IReadOnlyList<Parameter> parameters)
    {
        if (!IsFlat(parameters))
        {
            ParameterArena.Flatten(parameters);
        }

        return new FlatLayout([.. parameters]);
    }

    /// <summary>Index of <paramref name="tensor"/> among the parameters, or −1.</summary>
    public int IndexOf(Tensor tensor) => indices.TryGetValue(tensor, out var i) ? i : -1;

    private static bool IsFlat(IReadOnlyList<Parameter> ps)
    {
        if (ps.Count == 0)
        {
            return true;
        }

        var first = ps[0];
        var firstGrad = first.GradStorage;
        var total = 0;
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var p in ps)
        {
            var g = p.GradStorage;
            if (!seen.Add(p) || firstGrad is null || g is null || !ReferenceEquals(p.Buffer, first.Buffer) || p.Offset != first.Offset + total
                || !ReferenceEquals(g.Buffer, firstGrad.Buffer) || g.Offset != firstGrad.Offset + total)
            {
                return false;
            }

            total += p.Length;
        }

        return true;
    }
}
