namespace Descent.Nn;

/// <summary>
/// What <see cref="Module.LoadStateDict"/> did: the keys it loaded, and the module's keys missing from the
/// state_dict, the state_dict's keys the module does not have, and the keys whose shapes differ.
/// </summary>
public sealed record LoadStateDictResult(
    IReadOnlyList<string> LoadedKeys,
    IReadOnlyList<string> MissingKeys,
    IReadOnlyList<string> UnexpectedKeys,
    IReadOnlyList<StateDictMismatch> MismatchedKeys)
{
    /// <summary>True when every key matched (nothing missing, unexpected or mis-shaped).</summary>
    public bool IsExactMatch => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && MismatchedKeys.Count == 0;

    /// <summary>A one-paragraph report in PyTorch's style.</summary>
    public string Describe()
    {
        if (IsExactMatch)
        {
            return $"all {LoadedKeys.Count} keys matched";
        }

        var parts = new List<string>();
        if (MissingKeys.Count > 0)
        {
            parts.Add($"missing key(s): {string.Join(", ", MissingKeys.Select(k => $"\"{k}\""))}");
        }

        if (UnexpectedKeys.Count > 0)
        {
            parts.Add($"unexpected key(s): {string.Join(", ", UnexpectedKeys.Select(k => $"\"{k}\""))}");
        }

        if (MismatchedKeys.Count > 0)
        {
            parts.Add($"size mismatch: {string.Join("; ", MismatchedKeys)}");
        }

        return string.Join(". ", parts);
    }
}
