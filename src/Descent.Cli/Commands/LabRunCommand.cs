using System.CommandLine;
using Descent.Cli.Mpi;
using Descent.Distributed;
using Descent.Lab.Runs;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent lab-run --request FILE --result FILE</c> (hidden, internal): one run of a spec with <c>"ranks": N</c>, started by
/// <c>descent compare</c> or <c>descent worker</c> as <c>mpirun -n N descent lab-run …</c> (<see cref="MpiRunTask"/>). Every
/// rank performs the run data-parallel (<see cref="DataParallelRun"/>); rank 0 writes the result to <c>--result</c>
/// (<see cref="RunResultFile"/>) and relays early-stopping rungs to the parent over its standard streams
/// (<see cref="RungRelay"/>). Nothing else is printed. A run that fails on any rank exits non-zero, which ends the whole job.
/// </summary>
public static class LabRunCommand
{
    /// <summary>The command's name.</summary>
    public const string Name = "lab-run";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = new Option<string>("--request") { Description = "The run request (JSON) written by the parent.", Required = true, HelpName = "FILE" };
        var result = new Option<string>("--result") { Description = "Where rank 0 writes the run's result (JSON).", Required = true, HelpName = "FILE" };
        var command = new Command(Name, "Perform one run of a lab spec with \"ranks\" as a rank of its MPI job (internal: started by descent compare and worker)")
        {
            request, result,
        };
        command.Hidden = true;
        command.SetAction(parse => Execute(context, parse.GetValue(request)!, parse.GetValue(result)!, Communicator.FromEnvironment(),
            Console.In, Console.Out));
        return command;
    }

    /// <summary>Performs the run as this rank of <paramref name="communicator"/>; rank 0 relays rungs over
    /// <paramref name="fromParent"/> / <paramref name="toParent"/> and writes <paramref name="resultPath"/>. Returns the exit code.</summary>
    public static int Execute(CliContext context, string requestPath, string resultPath, Communicator communicator, TextReader fromParent, TextWriter toParent)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(communicator);
        // The parent sets DESCENT_THREADS for the matrix products of each rank; element-wise kernels run single-threaded as in
        // every lab run.
        Descent.Numerics.ParallelRange.MaxWorkers = 1;
        var request = DataParallelRunRequest.Read(requestPath);
        var result = DataParallelRun.Perform(request, communicator, context.Tasks,
            communicator.IsRoot && request.RelayRungs ? new RungRelay(fromParent, toParent) : null);
        if (communicator.IsRoot)
        {
            RunResultFile.Write(resultPath, result);
        }

        if (result.Status != RunStatus.Failed)
        {
            return ExitCodes.Success;
        }

        context.Error.WriteLine($"error: rank {communicator.Rank} of {communicator.Size}: {Printable.Escape(result.Message ?? "the run failed")}");
        return ExitCodes.RunsFailed;
    }
}
