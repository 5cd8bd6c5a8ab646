using Descent.Cli;

namespace Descent.Tests.Cli;

/// <summary>Runs the <c>descent</c> command line in process and captures its output and exit code.</summary>
internal static class CliHarness
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args) => RunWith(null, args);

    /// <summary>As <see cref="Run"/>, reading specs through <paramref name="tasks"/> (null: the default registry).</summary>
    public static (int ExitCode, string Output, string Error) RunWith(Descent.Lab.Tasks.LabTaskRegistry? tasks, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = CliContext.ForWriters(output, error, width: 200);
        var code = Program.Run(args, tasks is null ? context : context.WithTasks(tasks));
        return (code, output.ToString(), error.ToString());
    }
}
