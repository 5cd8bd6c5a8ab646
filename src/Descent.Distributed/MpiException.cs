namespace Descent.Distributed;

/// <summary>An MPI call failed, the MPI library is missing, or the processes of a data-parallel run disagree (e.g. on the
/// model); the message says which and what to do.</summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MpiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MpiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public MpiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
