namespace Descent.Experiments;

/// <summary>An error in an experiment's input: missing data, an unknown optimizer, an inconsistent combination of
/// settings. Its message is written for the user as is (it names the command-line option concerned, e.g.
/// "--data PATH: …"); the <c>descent</c> CLI prints it alone, without a stack trace, and exits with 1.</summary>
public sealed class ExperimentException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExperimentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ExperimentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
