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

    /// <summary>Runs <c>descent compare</c> on the spec <paramref name="json"/> in a temporary folder; asserts that it
    /// succeeded and returns its standard output and the text of its <c>runs.csv</c>.</summary>
    public static (string Output, string RunsCsv) Compare(string json)
    {
        using var dir = new Lab.TempDir();
        var file = dir.Sub("spec.json");
        File.WriteAllText(file, json);
        var (code, text, error) = Run("compare", file, "--out", dir.Sub("out"));
        Assert.True(code == 0, error);
        return (text, File.ReadAllText(Path.Combine(dir.Sub("out"), "runs.csv")));
    }
}
