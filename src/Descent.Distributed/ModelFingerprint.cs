using System.Globalization;
using Descent.Nn;

namespace Descent.Distributed;

/// <summary>What the ranks of a data-parallel job must agree on before training: the parameter count, the tensors' shapes
/// in order and (with a model) their names, hashed (FNV-1a, 64-bit) so that one all-gather compares them.</summary>
internal static class ModelFingerprint
{
    /// <summary>Checks that every rank has the same fingerprint; throws on every rank, naming the first rank that differs
    /// from rank 0 and both descriptions' counts, when one does not.</summary>
    public static void Verify(Communicator communicator, Module? model, IReadOnlyList<Parameter> parameters)
    {
        var names = new Dictionary<Parameter, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, p) in model?.NamedParameters() ?? [])
        {
            names.TryAdd(p, name);
        }

        var hash = 14695981039346656037UL;
        long count = 0;
        foreach (var p in parameters)
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{(names.TryGetValue(p, out var n) ? n : "?")}[{string.Join(',', p.Shape.ToArray())}];");
            foreach (var c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            count += p.Length;
        }

        Span<int> mine = [(int)hash, (int)(hash >> 32), parameters.Count, (int)Math.Min(count, int.MaxValue)];
        var all = new int[mine.Length * communicator.Size];
        communicator.AllGather<int>(mine, all);
        for (var r = 1; r < communicator.Size; r++)
        {
            var other = all.AsSpan(r * mine.Length, mine.Length);
            if (!other.SequenceEqual(all.AsSpan(0, mine.Length)))
            {
                throw new MpiException(string.Create(CultureInfo.InvariantCulture,
                    $"rank {r} has a different model from rank 0 ({other[2]} parameter tensors, {other[3]} elements vs {all[2]} tensors, "
                    + $"{all[3]} elements, or different names/shapes): every rank must build the same model with the same options before training"));
            }
        }
    }
}
