using System.CommandLine;
using System.CommandLine.Help;
using Descent.Cli.Commands;
using Descent.Distributed;
using Descent.Experiments;

namespace Descent.Cli;

/// <summary>Entry point of the <c>descent</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line against the process console; under an MPI launcher (<c>mpirun -n N descent …</c>)
    /// only rank 0 writes output (every rank still reports its errors), and a rank that fails ends the whole job
    /// (MPI_Abort with its exit code) rather than leaving the others waiting in a collective. The ranks on one machine share its
    /// processors: unless <c>DESCENT_THREADS</c> is set, each uses the processors divided by the ranks there (<see cref="RankThreads"/>).</summary>
    public static int Main(string[] args)
    {
        var communicator = Communicator.FromEnvironment();
        if (communicator.Size > 1 && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Threads.EnvironmentVariable)))
        {
            Threads.Max = RankThreads(Environment.ProcessorCount, communicator.Size,
                Environment.GetEnvironmentVariable("MPI_LOCALNRANKS") ?? Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"));
        }

        var code = Run(args, communicator.IsRoot ? CliContext.FromConsole() : CliContext.ForWriters(TextWriter.Null, Console.Error));
        if (code != ExitCodes.Success && communicator is MpiCommunicator { Size: > 1 } mpi)
        {
            Console.Error.Flush();
            mpi.Abort(code);
        }

        return code;
    }

    /// <summary>The threads of one of <paramref name="ranks"/> ranks: <paramref name="processors"/> divided by the ranks on this
    /// machine (<paramref name="localRanks"/>, the launcher's <c>MPI_LOCALNRANKS</c>; all of them when it is not set), at least 1.</summary>
    public static int RankThreads(int processors, int ranks, string? localRanks)
    {
        var here = int.TryParse(localRanks, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : ranks;
        return Math.Clamp(processors / here, 1, Threads.Limit);
    }

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
        return CliErrors.Guard(context, () =>
        {
            _ = Threads.Max; // an invalid DESCENT_THREADS is reported (variable, value, range) before any command runs
            var parse = root.Parse(args.Length == 0 ? ["--help"] : args);
            return parse.Errors.Count > 0 ? CliErrors.ReportParseErrors(context, parse) : parse.Invoke(invocation);
        });
    }

    /// <summary>Builds the <c>descent</c> command tree. Each command lives in its own file under
    /// <c>Commands/</c> (a static <c>Create(CliContext)</c> returning a <see cref="Command"/>) and is added
    /// here with one line.</summary>
    public static Command BuildRootCommand(CliContext context)
    {
        // The lab names no task: the built-in ones (Descent.Experiments) are registered here, once per process.
        ExperimentTasks.Register();
        // A plain Command named "descent" (not RootCommand, whose name is the executable's, "Descent.Cli").
        var root = new Command(
            "descent",
            "Descent: train and fine-tune neural networks with gradient-descent optimizers (SGD, Adam, AdamW, ...) "
            + "numerically equal to PyTorch's, and compare them. Start with 'descent demo'; "
            + "'descent COMMAND --help' explains each command's options.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(DataCommand.Create(context));
        root.Subcommands.Add(TransferCommands.CreatePretrain(context));
        root.Subcommands.Add(TransferCommands.CreateFinetune(context));
        root.Subcommands.Add(CompareCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(WorkerCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(LabRunCommand.Create(context));
        return root;
    }
}
