namespace Descent.Cli;

/// <summary>An error caused by the user's input (a missing file, an inconsistent combination of options).
/// The CLI prints its message alone, without a stack trace, and exits with <see cref="ExitCodes.Error"/>.</summary>
public sealed class CliException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
