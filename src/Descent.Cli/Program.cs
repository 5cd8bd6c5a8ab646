using System.CommandLine;

namespace Descent.Cli;

/// <summary>Entry point of the <c>descent</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line against the process console.</summary>
    public static int Main(string[] args) => Run(args, CliContext.FromConsole());

    /// <summary>Parses <paramref name="args"/> and runs the chosen command, writing to
    /// <paramref name="context"/>'s writers. Returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var root = BuildRootCommand(context);
        var invocation = new InvocationConfiguration
        {
            Output = context.Output,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        };
        return CliErrors.Guard(context, () => root.Parse(args).Invoke(invocation));
    }

    /// <summary>Builds the <c>descent</c> command tree. Each command lives in its own file under
    /// <c>Commands/</c> and is added here with one line.</summary>
    public static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "Descent: train and fine-tune neural networks with gradient-descent optimizers (SGD, Adam, AdamW, ...) "
            + "that match PyTorch, and compare them.");
        root.Subcommands.Add(Commands.DataCommand.Create(context));
        return root;
    }
}
