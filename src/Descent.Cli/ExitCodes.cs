namespace Descent.Cli;

/// <summary>Process exit codes of <c>descent</c>.</summary>
public static class ExitCodes
{
    /// <summary>The command completed.</summary>
    public const int Success = 0;

    /// <summary>The command line was invalid (unknown option, bad value) or the command failed with an error
    /// message; System.CommandLine also uses 1 for parse errors.</summary>
    public const int Error = 1;

    /// <summary>The command was cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
