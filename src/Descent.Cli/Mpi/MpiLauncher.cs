using System.Diagnostics;
using System.Globalization;
using Descent.Distributed;
using Descent.Lab.Specs;

namespace Descent.Cli.Mpi;

/// <summary>
/// Starts the MPI jobs of a lab spec with <c>"ranks": N</c>: <c>mpirun -n N</c> (MPICH's Hydra, found on <c>PATH</c>) running
/// this same <c>descent</c> (its executable, or <c>dotnet Descent.Cli.dll</c>). <see cref="Locate"/> checks, before any run,
/// that <c>mpirun</c> and the MPI library are there, with an error naming <c>apt-get install mpich</c> otherwise.
/// </summary>
public sealed class MpiLauncher
{
    /// <summary>A launcher of <paramref name="mpirun"/> running <paramref name="self"/> (tests; <see cref="Locate"/> finds both).</summary>
    internal MpiLauncher(string mpirun, IReadOnlyList<string> self)
    {
        Mpirun = mpirun;
        Self = self;
    }

    /// <summary>The <c>mpirun</c> executable.</summary>
    public string Mpirun { get; }

    /// <summary>The command line that starts this <c>descent</c>: its executable, or <c>dotnet</c> and <c>Descent.Cli.dll</c>.</summary>
    public IReadOnlyList<string> Self { get; }

    /// <summary>
    /// Finds <c>mpirun</c> (or <c>mpiexec</c>) on <paramref name="searchPath"/> (default: the <c>PATH</c> variable) and checks that
    /// the MPI library loads, for a spec of <paramref name="ranks"/> ranks; a <see cref="CliException"/> naming the package to
    /// install otherwise.
    /// </summary>
    public static MpiLauncher Locate(int ranks, string? searchPath = null)
    {
        searchPath ??= Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var mpirun = Find(searchPath, "mpirun") ?? Find(searchPath, "mpiexec")
            ?? throw new CliException($"the spec asks for {ranks} ranks ($.ranks): every run is an MPI job of {ranks} processes started with mpirun, "
                                      + "which is not on PATH; install MPICH (Debian/Ubuntu: apt-get install mpich), or set \"ranks\" to 1");
        try
        {
            MpiCommunicator.RequireLibrary();
        }
        catch (MpiException e)
        {
            throw new CliException($"the spec asks for {ranks} ranks ($.ranks), but {e.Message}", e);
        }

        return new MpiLauncher(mpirun, SelfCommand());
    }

    /// <summary>
    /// Refuses to run <paramref name="spec"/> from inside an MPI job (<paramref name="launched"/>, with
    /// <paramref name="size"/> processes) — <c>mpirun -n M descent compare …</c> — when that job has more than one process or
    /// the spec asks for several ranks: descent compare starts an <c>mpirun -n N</c> job for every run itself, and M copies of
    /// the compare would each run the whole experiment.
    /// </summary>
    public static void RefuseInsideMpiJob(ExperimentSpec spec, bool launched, int size, string command)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!launched || (size == 1 && spec.Ranks == 1))
        {
            return;
        }

        var asks = $"'{Printable.Escape(spec.Name)}' asks for {spec.Ranks} rank{(spec.Ranks == 1 ? "" : "s")} per run ($.ranks{(spec.Ranks == 1 ? ", by default" : "")})";
        throw new CliException(string.Create(CultureInfo.InvariantCulture,
            $"descent {command} is running under an MPI launcher with {size} process{(size == 1 ? "" : "es")}, but {asks}; ")
            + (spec.Ranks == 1
                ? $"run 'descent {command}' without mpirun"
                : $"run 'descent {command}' without mpirun: it starts every run as its own job, mpirun -n {spec.Ranks}"));
    }

    /// <summary>The threads each rank's matrix products use: the processors shared by <paramref name="jobs"/> runs of
    /// <paramref name="ranks"/> processes (at least 1).</summary>
    public static int ThreadsPerRank(int ranks, int jobs) => Math.Max(1, Environment.ProcessorCount / Math.Max(1, ranks * jobs));

    /// <summary>How to start <c>mpirun -n <paramref name="ranks"/></c> running this descent with <paramref name="arguments"/>,
    /// its standard streams redirected; <c>DESCENT_THREADS</c> is set to <paramref name="threads"/> unless already set.</summary>
    public ProcessStartInfo StartInfo(int ranks, IEnumerable<string> arguments, int threads)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(Mpirun)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.GetCurrentDirectory(),
        };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(ranks.ToString(CultureInfo.InvariantCulture));
        foreach (var a in Self.Concat(arguments))
        {
            info.ArgumentList.Add(a);
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Threads.EnvironmentVariable)))
        {
            info.Environment[Threads.EnvironmentVariable] = threads.ToString(CultureInfo.InvariantCulture);
        }

        return info;
    }

    private static string? Find(string searchPath, string name)
    {
        foreach (var folder in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>This process's command: the apphost (<c>descent</c>) as is; under the <c>dotnet</c> host, <c>dotnet</c> and the
    /// entry assembly.</summary>
    private static IReadOnlyList<string> SelfCommand()
    {
        var process = Environment.ProcessPath ?? throw new CliException("cannot tell which executable this descent is (no process path)");
        var name = Path.GetFileNameWithoutExtension(process);
        if (name.Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
            return string.IsNullOrEmpty(entry) ? throw new CliException("cannot tell which assembly this descent runs") : [process, entry];
        }

        return [process];
    }
}
