namespace Descent.Lab.Specs;

/// <summary>One problem in an experiment spec, located by its JSON path (<c>$.optimizers[1].lr[0]</c>).</summary>
/// <param name="Path">The JSON path of the offending value.</param>
/// <param name="Message">What is wrong, e.g. <c>must be &gt; 0</c>.</param>
public sealed record SpecError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
