using Descent.Cli;
using Descent.Cli.Commands;
using Descent.Cli.Mpi;
using Descent.Distributed;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;
using Descent.Lab.Tasks;
using Descent.Tests.Distributed;
using Descent.Tests.Lab;

namespace Descent.Tests.Cli.Mpi;

/// <summary>
/// The pieces of a lab spec with <c>"ranks"</c> that need no <c>mpirun</c>: the run the processes of an MPI job perform
/// (<see cref="DataParallelRun"/>, <see cref="LabRunCommand"/>) in this process — over one rank it is the lab's own run, over two
/// threads it equals it to rounding — the result file, the rung relay, and the launcher's checks and errors. The jobs themselves
/// are checked by <c>.ci/mpi-check</c> under <c>mpirun -n 2</c>.
/// </summary>
public sealed class DataParallelRunTests
{
    private static string Json(int ranks) => $$"""
        { "name": "child", "task": { "kind": "digits-mlp", "hidden": [16], "batch_size": 50, "l2": 1e-3 },
          "budget": { "epochs": 2 }, "seeds": [1, 2], "ranks": {{ranks}},
          "optimizers": [ { "name": "adam", "lr": 0.01 }, { "name": "sgd", "lr": 0.1, "momentum": 0.9 } ] }
        """;

    private static DataParallelRunRequest Request(ExperimentSpec spec, int run) =>
        new(spec.SourceJson, spec.BaseDirectory, null, spec.Runs()[run].Key, RelayRungs: false);

    /// <summary>What the runner performs for run <paramref name="run"/> of <paramref name="spec"/> in one process.</summary>
    private static RunResult Normal(ExperimentSpec spec, int run) =>
        ExperimentRunner.Perform(spec.Task.Definition.CreateRun(spec.Task, null), new RunContext(spec, spec.Runs()[run], EngineCatalog.Instance), exclusive: true);

    /// <summary>Every recorded value but the machine-dependent peak working set.</summary>
    private static List<(string Name, int Step, int? Epoch, double Value)> Values(RunResult r) =>
        [.. r.StepMetrics.Concat(r.EpochMetrics).Where(m => m.Name != RunResources.PeakWorkingSetBytes).Select(m => (m.Name, m.Step, m.Epoch, m.Value))];

    [Fact]
    public void OneRankPerformsTheRunnersRunBitForBit()
    {
        var spec = SpecParser.Parse(Json(1), EngineCatalog.Instance);
        var child = DataParallelRun.Perform(Request(spec, 1), SingleProcessCommunicator.Instance, LabTaskRegistry.Default, null);
        var normal = Normal(spec, 1);
        Assert.Equal((normal.Status, normal.Steps), (child.Status, child.Steps));
        Assert.Equal(Values(normal), Values(child));
        Assert.NotNull(RunResources.Of(child, RunResources.TrainableParameters));
        Assert.NotNull(RunResources.Of(child, RunResources.PeakWorkingSetBytes));
    }

    [Fact]
    public void TwoRanksEqualTheOneProcessRunToRounding()
    {
        var one = Normal(SpecParser.Parse(Json(1), EngineCatalog.Instance), 0);
        var two = SpecParser.Parse(Json(2), EngineCatalog.Instance);
        var results = ThreadCommunicator.Run(2, c => DataParallelRun.Perform(Request(two, 0), c, LabTaskRegistry.Default, null));
        var (expected, actual) = (Values(one), Values(results[0]));
        Assert.Equal(expected.Select(v => (v.Name, v.Step, v.Epoch)), actual.Select(v => (v.Name, v.Step, v.Epoch)));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.True(Math.Abs(e.Value - a.Value) <= 1e-5 * Math.Max(Math.Abs(e.Value), 1e-12), $"{e.Name} at step {e.Step}: {e.Value:R} vs {a.Value:R}");
        }
    }

    [Fact]
    public void TheCommandWritesRankZerosResultAndExitsZero()
    {
        using var dir = new TempDir();
        var spec = SpecParser.Parse(Json(1), EngineCatalog.Instance);
        Request(spec, 2).Write(dir.Sub("request.json"));
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = LabRunCommand.Execute(CliContext.ForWriters(output, error), dir.Sub("request.json"), dir.Sub("result.json"),
            SingleProcessCommunicator.Instance, new StringReader(string.Empty), output);
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(string.Empty, output.ToString() + error);
        Assert.Equal(Values(Normal(spec, 2)), Values(RunResultFile.Read(dir.Sub("result.json"))));
    }

    [Fact]
    public void TheRequestMustMatchTheJob()
    {
        var spec = SpecParser.Parse(Json(2), EngineCatalog.Instance);
        var e = Assert.Throws<CliException>(() => DataParallelRun.Perform(Request(spec, 0), SingleProcessCommunicator.Instance, LabTaskRegistry.Default, null));
        Assert.Equal("'child' asks for 2 ranks, but this job has 1 (single process); start it with mpirun -n 2", e.Message);
        var unknown = Request(spec, 0) with { RunKey = "nope" };
        e = Assert.Throws<CliException>(() => ThreadCommunicator.Run(2, c => DataParallelRun.Perform(unknown, c, LabTaskRegistry.Default, null)));
        Assert.Equal("'child' has no run 'nope'", e.Message);
        using var dir = new TempDir();
        File.WriteAllText(dir.Sub("bad.json"), "{ not json");
        e = Assert.Throws<CliException>(() => DataParallelRunRequest.Read(dir.Sub("bad.json")));
        Assert.StartsWith($"--request '{dir.Sub("bad.json")}' could not be read as a run request", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AResultFileRoundTripsEveryValue()
    {
        using var dir = new TempDir();
        var result = new RunResult(RunStatus.Diverged, "adam (lr=1) diverged at step 3: loss = NaN — ünïcode", 3, 1.25,
            [new MetricPoint("loss", 0, null, 0.1 + 0.2, 0.01), new MetricPoint("loss", 1, null, double.PositiveInfinity, 0.02),
             new MetricPoint("loss", 2, null, double.NaN, 0.03), new MetricPoint("loss", 3, null, double.NegativeInfinity, 0.04)],
            [new MetricPoint("val_loss", 3, 1, 1e-300, 0.5), new MetricPoint(RunResources.PeakWorkingSetBytes, 3, 1, 123456789, 0.5)]);
        RunResultFile.Write(dir.Sub("r.json"), result);
        var back = RunResultFile.Read(dir.Sub("r.json"));
        Assert.Equal((result.Status, result.Message, result.Steps, result.Seconds), (back.Status, back.Message, back.Steps, back.Seconds));
        Assert.Equal(result.StepMetrics, back.StepMetrics);
        Assert.Equal(result.EpochMetrics, back.EpochMetrics);
        Assert.False(File.Exists(dir.Sub("r.json.partial")));
        File.WriteAllText(dir.Sub("bad.json"), "[1, 2]");
        Assert.Throws<InvalidDataException>(() => RunResultFile.Read(dir.Sub("bad.json")));
    }

    [Fact]
    public void RungsRelayedToTheParentsStoreComeBackToEveryRank()
    {
        // Rank 0 asks over its standard streams; the parent records the value in its store and answers with the others'.
        var store = new FakeRungs([0.5, 1.0 / 3]);
        var request = new StringWriter();
        var reply = new StringWriter();
        var relayed = ThreadCommunicator.Run(2, c =>
        {
            IRungStore? root = null;
            if (c.IsRoot)
            {
                // The parent's side, run ahead here: it sees the request line and writes the reply rank 0 then reads.
                Assert.True(RungRelay.Serve("descent-rung 4 0.25", "run #seed=0", store, reply));
                root = new RungRelay(new StringReader(reply.ToString()), request);
            }

            return new SharedRungs(c, root).RecordRung("run #seed=0", 4, 0.25);
        });
        Assert.Equal("descent-rung 4 0.25", request.ToString().Trim());
        Assert.Equal($"descent-rung-values 2 0.5 {1.0 / 3:R}", reply.ToString().Trim());
        Assert.Equal(("run #seed=0", 4, 0.25), store.Recorded.Single());
        Assert.All(relayed, values => Assert.Equal([0.5, 1.0 / 3], values));
        Assert.False(RungRelay.Serve("some other line", "k", store, reply));
        Assert.Throws<InvalidDataException>(() => new RungRelay(new StringReader("descent-rung-values 2 1\n"), TextWriter.Null).RecordRung("k", 1, 1));
        Assert.Throws<IOException>(() => new RungRelay(new StringReader(string.Empty), TextWriter.Null).RecordRung("k", 1, 1));
    }

    [Fact]
    public void AMissingMpirunNamesThePackageToInstall()
    {
        var e = Assert.Throws<CliException>(() => MpiLauncher.Locate(2, searchPath: "/nonexistent-descent-test"));
        Assert.Equal("the spec asks for 2 ranks ($.ranks): every run is an MPI job of 2 processes started with mpirun, which is not on PATH; "
                     + "install MPICH (Debian/Ubuntu: apt-get install mpich), or set \"ranks\" to 1", e.Message);
    }

    [Theory]
    [InlineData(false, 1, 2, null)]
    [InlineData(true, 1, 1, null)]
    [InlineData(true, 2, 2, "descent compare is running under an MPI launcher with 2 processes, but 'child' asks for 2 ranks per run ($.ranks); run 'descent compare' without mpirun: it starts every run as its own job, mpirun -n 2")]
    [InlineData(true, 3, 2, "descent compare is running under an MPI launcher with 3 processes, but 'child' asks for 2 ranks per run ($.ranks); run 'descent compare' without mpirun: it starts every run as its own job, mpirun -n 2")]
    [InlineData(true, 2, 1, "descent compare is running under an MPI launcher with 2 processes, but 'child' asks for 1 rank per run ($.ranks, by default); run 'descent compare' without mpirun")]
    [InlineData(true, 1, 2, "descent compare is running under an MPI launcher with 1 process, but 'child' asks for 2 ranks per run ($.ranks); run 'descent compare' without mpirun: it starts every run as its own job, mpirun -n 2")]
    public void ACompareInsideAnMpiJobIsRefused(bool launched, int size, int ranks, string? expected)
    {
        var spec = SpecParser.Parse(Json(ranks), EngineCatalog.Instance);
        if (expected is null)
        {
            MpiLauncher.RefuseInsideMpiJob(spec, launched, size, "compare");
            return;
        }

        Assert.Equal(expected, Assert.Throws<CliException>(() => MpiLauncher.RefuseInsideMpiJob(spec, launched, size, "compare")).Message);
    }

    [Fact]
    public void TheJobStartsMpirunWithThisDescentAndItsThreads()
    {
        var info = new MpiLauncher("/usr/bin/mpirun", ["/usr/bin/dotnet", "/x/Descent.Cli.dll"]).StartInfo(3, ["lab-run", "--request", "r"], threads: 2);
        Assert.Equal("/usr/bin/mpirun", info.FileName);
        Assert.Equal(["-n", "3", "/usr/bin/dotnet", "/x/Descent.Cli.dll", "lab-run", "--request", "r"], info.ArgumentList);
        Assert.True(info.RedirectStandardInput && info.RedirectStandardOutput && info.RedirectStandardError);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Threads.EnvironmentVariable)))
        {
            Assert.Equal("2", info.Environment[Threads.EnvironmentVariable]);
        }

        Assert.Equal(Math.Max(1, Environment.ProcessorCount / 4), MpiLauncher.ThreadsPerRank(2, 2));
        Assert.Equal(1, MpiLauncher.ThreadsPerRank(4096, 1));
    }

    [Theory]
    [InlineData(8, 2, null, 4)]   // every rank on this machine
    [InlineData(8, 4, "2", 4)]    // two of the four here (Hydra's MPI_LOCALNRANKS)
    [InlineData(2, 4, null, 1)]   // never below one
    [InlineData(8, 2, "x", 4)]    // an unreadable count: all ranks here
    public void TheRanksOfAMachineShareItsProcessors(int processors, int ranks, string? local, int expected) =>
        Assert.Equal(expected, Program.RankThreads(processors, ranks, local));

    [Fact]
    public void DefaultJobsAreSharedBetweenTheRanks()
    {
        var two = SpecParser.Parse(Json(2), EngineCatalog.Instance);
        var one = SpecParser.Parse(Json(1), EngineCatalog.Instance);
        Assert.Equal(3, CompareCommand.JobsFor(two, 6, jobsGiven: false));
        Assert.Equal(1, CompareCommand.JobsFor(two, 1, jobsGiven: false));
        Assert.Equal(6, CompareCommand.JobsFor(two, 6, jobsGiven: true));
        Assert.Equal(6, CompareCommand.JobsFor(one, 6, jobsGiven: false));
    }

    private sealed class FakeRungs(IReadOnlyList<double> others) : IRungStore
    {
        public List<(string, int, double)> Recorded { get; } = [];

        public IReadOnlyList<double> RecordRung(string runKey, int rung, double value)
        {
            Recorded.Add((runKey, rung, value));
            return others;
        }
    }
}
