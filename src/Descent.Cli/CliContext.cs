using Descent.Lab.Tasks;
using Spectre.Console;

namespace Descent.Cli;

/// <summary>Where a command writes: plain text writers for output and errors, and a Spectre.Console
/// console (tables, progress) on the same output. Tests create one over <see cref="StringWriter"/>s.</summary>
public sealed class CliContext
{
    private CliContext(TextWriter output, TextWriter error, IAnsiConsole console)
    {
        Output = output;
        Error = error;
        Console = console;
    }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Standard error: error messages and warnings.</summary>
    public TextWriter Error { get; }

    /// <summary>Rich console (tables, progress bars) writing to <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The lab task kinds a spec may name (default <see cref="LabTaskRegistry.Default"/>, where the built-in
    /// kinds are registered).</summary>
    public LabTaskRegistry Tasks { get; private init; } = LabTaskRegistry.Default;

    /// <summary>This context with specs read through <paramref name="tasks"/> (e.g. a program's own kinds).</summary>
    public CliContext WithTasks(LabTaskRegistry tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return new CliContext(Output, Error, Console) { Tasks = tasks };
    }

    /// <summary>A context on the process console (colors and interactivity detected by Spectre.Console).</summary>
    /// <remarks>When the output is redirected (a file, a pipe) tables are laid out 160 columns wide instead of
    /// Spectre.Console's 80-column fallback.</remarks>
    public static CliContext FromConsole()
    {
        var console = AnsiConsole.Console;
        if (System.Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 160);
        }

        return new(System.Console.Out, System.Console.Error, console);
    }

    /// <summary>A context over a given Spectre.Console console (e.g. an interactive one in tests).</summary>
    public static CliContext ForConsole(TextWriter output, TextWriter error, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(console);
        return new CliContext(output, error, console);
    }

    /// <summary>A context writing plain text (no colors, no ANSI escapes, not interactive) to the given writers.</summary>
    public static CliContext ForWriters(TextWriter output, TextWriter error, int width = 160)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        return new CliContext(output, error, console);
    }
}
