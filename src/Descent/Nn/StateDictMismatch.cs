namespace Descent.Nn;

/// <summary>A state_dict entry whose shape differs from the module's tensor of the same name.</summary>
/// <param name="Key">The state_dict name (e.g. <c>11.weight</c>).</param>
/// <param name="Expected">The module's shape.</param>
/// <param name="Found">The shape in the given state_dict.</param>
public sealed record StateDictMismatch(string Key, IReadOnlyList<int> Expected, IReadOnlyList<int> Found)
{
    /// <inheritdoc />
    public override string ToString()
        => $"{Key}: expected [{string.Join(", ", Expected)}], found [{string.Join(", ", Found)}]";
}
