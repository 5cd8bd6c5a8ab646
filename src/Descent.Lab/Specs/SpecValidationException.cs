namespace Descent.Lab.Specs;

/// <summary>Thrown when an experiment spec is invalid; lists every problem with its JSON path.</summary>
public sealed class SpecValidationException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public SpecValidationException(IReadOnlyList<SpecError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a message (no located problems).</summary>
    public SpecValidationException(string message)
        : base(message)
    {
        Errors = [new SpecError("$", message)];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public SpecValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [new SpecError("$", message)];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Format(IReadOnlyList<SpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var n = errors.Count;
        return $"the experiment spec has {n} problem{(n == 1 ? "" : "s")}:{Environment.NewLine}" +
               string.Join(Environment.NewLine, errors.Select(e => "  " + e));
    }
}
