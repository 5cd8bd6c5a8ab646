namespace Descent.Cli;

/// <summary>Process exit codes of <c>descent</c>. The table in README.md ("Exit codes") lists the same codes;
/// a test keeps the two equal.</summary>
public static class ExitCodes
{
    /// <summary>The command completed.</summary>
    public const int Success = 0;

    /// <summary>The input was rejected or the command failed, with a one-line message: an invalid spec, a
    /// missing or malformed file, an inconsistent combination of options, an unwritable output folder.</summary>
    public const int Error = 1;

    /// <summary>The command line could not be parsed: an unknown command or option, or an option value of the
    /// wrong type or out of its range (as Python's argparse, 2).</summary>
    public const int Usage = 2;

    /// <summary><c>descent compare</c> finished, but some runs failed (counted and explained on standard error;
    /// they are stored as failed and a new <c>descent compare</c> with the same folder retries them).</summary>
    public const int RunsFailed = 3;

    /// <summary>The command was cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
