using System.Collections.Concurrent;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Lab.Store;

namespace Descent.Tests.Lab.Store;

/// <summary>Issue 15, defect 10: two runners (two <c>descent compare</c> processes) on one folder each execute a run only
/// if nobody else is executing it; a run whose holder died is taken over.</summary>
public sealed class RunLeaseTests
{
    private const string Json = """
        { "name": "lease", "task": { "kind": "rosenbrock" }, "budget": { "steps": 5 }, "seeds": [0, 1, 2, 3],
          "optimizers": [ { "name": "sgd", "lr": [0.001, 0.002, 0.003] }, { "name": "adam", "lr": 0.01 } ] }
        """;

    private static readonly EnvironmentInfo Env = new("test", ".NET", "os", "cpu", 2, 256, "Auto");

    /// <summary>Counts every execution of every run; each takes a little time so that two runners overlap.</summary>
    private sealed class CountingTask(ConcurrentDictionary<string, int> executions) : LabTask
    {
        public override RunResult Run(RunContext context)
        {
            executions.AddOrUpdate(context.Run.Key, 1, (_, n) => n + 1);
            Thread.Sleep(20);
            return new RunResult(RunStatus.Completed, null, 5, 0.02, [new MetricPoint("loss", 5, null, 1.0 / (context.Seed + 1), 0.02)], []);
        }
    }

    [Fact]
    public async Task TwoRunnersOnOneFolderExecuteEveryRunExactlyOnce()
    {
        using var dir = new TempDir();
        var spec = SpecParser.Parse(Json, new FakeCatalog());
        var executions = new ConcurrentDictionary<string, int>();
        RunnerOutcome Runner()
        {
            using var store = RunStore.Open(dir.Path);
            return new ExperimentRunner(spec, new FakeCatalog(), store, new CountingTask(executions))
            {
                Jobs = 2,
                Environment = Env,
                PollInterval = TimeSpan.FromMilliseconds(10),
            }.Run();
        }

        var outcomes = await Task.WhenAll(Task.Run(Runner), Task.Run(Runner));

        Assert.Equal(spec.Runs().Select(r => r.Key).Order(StringComparer.Ordinal), executions.Keys.Order(StringComparer.Ordinal));
        Assert.All(executions, e => Assert.Equal(1, e.Value));
        Assert.Equal(16, outcomes.Sum(o => o.Executed));
        Assert.All(outcomes, o => Assert.Equal(16, o.Executed + o.Skipped + o.DoneElsewhere));
        using var check = RunStore.OpenExisting(dir.Path);
        Assert.Equal(16, check.DoneRunKeys().Count);
        Assert.All(spec.Runs(), r => Assert.Null(check.LeaseHolder(r.Key))); // every lease released
    }

    [Fact]
    public void ALeaseIsExclusiveUntilItExpiresAndADoneRunCannotBeClaimed()
    {
        using var dir = new TempDir();
        using var store = RunStore.Open(dir.Path);
        var spec = SpecParser.Parse(Json, new FakeCatalog());
        store.SetExperiment(spec);
        var run = spec.Runs()[0];
        Assert.True(store.TryClaim(run.Key, "a", TimeSpan.FromMinutes(1)));
        Assert.False(store.TryClaim(run.Key, "b", TimeSpan.FromMinutes(1)));
        Assert.Equal("a", store.LeaseHolder(run.Key));
        Assert.True(store.TryClaim(run.Key, "a", TimeSpan.FromMinutes(1))); // its own: renewed

        Assert.True(store.TryClaim(spec.Runs()[1].Key, "a", TimeSpan.FromMilliseconds(-1))); // already expired
        Assert.Null(store.LeaseHolder(spec.Runs()[1].Key));
        Assert.True(store.TryClaim(spec.Runs()[1].Key, "b", TimeSpan.FromMinutes(1))); // taken over

        store.SaveRun(run, new RunResult(RunStatus.Completed, null, 1, 0, [], []), Env);
        Assert.Null(store.LeaseHolder(run.Key)); // saving a run releases its lease
        Assert.False(store.TryClaim(run.Key, "b", TimeSpan.FromMinutes(1))); // done: nothing to claim
    }

    [Fact]
    public async Task RunsOfADeadOrExpiredHolderAreTakenOverAndRunsOfALiveOneWaitedFor()
    {
        using var dir = new TempDir();
        var spec = SpecParser.Parse(Json, new FakeCatalog());
        var runs = spec.Runs();
        var executions = new ConcurrentDictionary<string, int>();
        using var store = RunStore.Open(dir.Path);
        store.SetExperiment(spec);

        // A process of this machine that no longer runs (kill -9): taken over at once, its lease notwithstanding.
        Assert.True(store.TryClaim(runs[0].Key, $"{Environment.MachineName}/{int.MaxValue}/dead", TimeSpan.FromHours(1)));
        // A runner elsewhere whose lease lapses shortly: waited for, then taken over.
        Assert.True(store.TryClaim(runs[1].Key, "other-machine/1/x", TimeSpan.FromMilliseconds(300)));
        // Live runners that finish a run meanwhile, one completed and one failed: waited for, never executed here.
        Assert.True(store.TryClaim(runs[2].Key, "other-machine/2/y", TimeSpan.FromHours(1)));
        Assert.True(store.TryClaim(runs[3].Key, "other-machine/2/y", TimeSpan.FromHours(1)));
        // The other runner finishes its runs once this one has read which runs are done (its first progress report), so
        // that they are waited for here however slowly this runner starts on a loaded machine.
        using var started = new ManualResetEventSlim();
        var finisher = Task.Run(() =>
        {
            started.Wait();
            Thread.Sleep(200);
            using var other = RunStore.Open(dir.Path);
            other.SaveRun(runs[2], new RunResult(RunStatus.Completed, null, 5, 0.01, [new MetricPoint("loss", 5, null, 0.5, 0.01)], []), Env);
            other.SaveRun(runs[3], new RunResult(RunStatus.Failed, "no data", 0, 0, [], []), Env);
        });

        var outcome = new ExperimentRunner(spec, new FakeCatalog(), store, new CountingTask(executions))
        {
            Jobs = 2,
            Environment = Env,
            PollInterval = TimeSpan.FromMilliseconds(20),
            Progress = new Signal(started),
        }.Run();
        await finisher;

        Assert.Equal(14, outcome.Executed);
        Assert.Equal(2, outcome.DoneElsewhere);
        Assert.False(executions.ContainsKey(runs[2].Key));
        Assert.False(executions.ContainsKey(runs[3].Key));
        Assert.Equal(1, executions[runs[0].Key]);
        Assert.Equal(1, executions[runs[1].Key]);
        Assert.Equal(15, store.DoneRunKeys().Count); // the failed one is retried by the next compare
    }

    /// <summary>Sets an event at the runner's first progress report.</summary>
    private sealed class Signal(ManualResetEventSlim started) : IProgress<RunnerProgress>
    {
        public void Report(RunnerProgress value) => started.Set();
    }
}
