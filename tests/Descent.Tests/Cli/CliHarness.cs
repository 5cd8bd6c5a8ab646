using Descent.Cli;

namespace Descent.Tests.Cli;

/// <summary>Runs the <c>descent</c> command line in process and captures its output and exit code.</summary>
internal static class CliHarness
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Run(args, CliContext.ForWriters(output, error, width: 200));
        return (code, output.ToString(), error.ToString());
    }
}
