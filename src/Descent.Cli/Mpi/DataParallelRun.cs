using Descent.Distributed;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;
using Descent.Lab.Tasks;

namespace Descent.Cli.Mpi;

/// <summary>
/// One run of a spec with <c>"ranks": N</c>, as each of its N processes performs it (<see cref="Commands.LabRunCommand"/>):
/// the spec read again from the request, the run found by its key, and the task's run performed with a
/// <see cref="DataParallel"/> callback over <paramref name="communicator"/> (every rank trains on its shard of each batch;
/// see <see cref="SupervisedTraining"/>) exactly as the lab's runner performs a run (<see cref="ExperimentRunner.Perform"/>).
/// Rank 0's result is the run's.
/// </summary>
internal static class DataParallelRun
{
    /// <summary>Performs the requested run on this rank of <paramref name="communicator"/>; <paramref name="parentRungs"/> is
    /// where rank 0 records early-stopping rungs (the relay to the parent's store), used when the request asks for it.</summary>
    /// <exception cref="CliException">The spec is invalid here, asks for another number of ranks than the job has, or has no
    /// such run.</exception>
    public static RunResult Perform(DataParallelRunRequest request, Communicator communicator, LabTaskRegistry tasks, IRungStore? parentRungs,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(tasks);
        ExperimentSpec spec;
        try
        {
            spec = SpecParser.Parse(request.SpecJson, EngineCatalog.Instance, tasks, request.BaseDirectory);
        }
        catch (SpecValidationException e)
        {
            throw new CliException($"the spec of the requested run is not valid here: {e.Message}", e);
        }

        if (spec.Ranks != communicator.Size)
        {
            throw new CliException($"'{Printable.Escape(spec.Name)}' asks for {spec.Ranks} ranks, but this job has {communicator.Size} "
                                   + $"({communicator.Description}); start it with mpirun -n {spec.Ranks}");
        }

        var run = spec.Runs().FirstOrDefault(r => r.Key == request.RunKey)
                  ?? throw new CliException($"'{Printable.Escape(spec.Name)}' has no run '{Printable.Escape(request.RunKey)}'");
        var task = spec.Task.Definition.CreateRun(spec.Task, request.OutputDirectory);
        var context = new RunContext(spec, run, EngineCatalog.Instance, cancellation)
        {
            Rungs = request.RelayRungs && spec.EarlyStopping is not null ? new SharedRungs(communicator, parentRungs) : null,
            DataParallel = new DataParallel(communicator),
        };
        return ExperimentRunner.Perform(task, context, exclusive: true);
    }
}
