using Descent.Distributed;
using Descent.Lab.Catalog;
using Descent.Lab.Runs;
using Descent.Lab.Specs;
using Descent.Tests.Distributed;
using Descent.Tests.Infrastructure;

namespace Descent.Tests.Lab.Runs;

/// <summary>
/// <see cref="SupervisedTraining"/> as one rank of a data-parallel job (<see cref="RunContext.DataParallel"/>), with N ranks as N
/// threads (<see cref="ThreadCommunicator"/>): the run equals one process's at the same global batch to rounding — uneven shards,
/// an empty shard and the batch-size-scaled L2 penalty included — and with one rank it is the plain run bit for bit.
/// </summary>
public sealed class DataParallelTrainingTests
{
    private static ExperimentSpec Spec(int batch, double l2, int epochs = 2, int ranks = 1) => SpecParser.Parse($$"""
        { "name": "dp", "task": { "kind": "digits-mlp", "hidden": [16], "batch_size": {{batch}}, "l2": {{l2}} },
          "budget": { "epochs": {{epochs}} }, "seeds": [3], "ranks": {{ranks}},
          "optimizers": [ { "name": "adam", "lr": 0.01 } ] }
        """, EngineCatalog.Instance);

    private static RunResult Plain(ExperimentSpec spec)
    {
        var context = new RunContext(spec, spec.Runs()[0], EngineCatalog.Instance);
        return spec.Task.Definition.CreateRun(spec.Task, null).Run(context);
    }

    private static RunResult[] Parallel(ExperimentSpec spec, int ranks) =>
        ThreadCommunicator.Run(ranks, c =>
        {
            var context = new RunContext(spec, spec.Runs()[0], EngineCatalog.Instance) { DataParallel = new DataParallel(c) };
            return spec.Task.Definition.CreateRun(spec.Task, null).Run(context);
        });

    private static IEnumerable<(string Name, int Step, int? Epoch, double Value)> Values(RunResult r) =>
        r.StepMetrics.Concat(r.EpochMetrics).Select(m => (m.Name, m.Step, m.Epoch, m.Value));

    /// <summary>The largest relative difference between the values of two runs with the same metrics at the same points.</summary>
    private static double MaxRelative(RunResult expected, RunResult actual)
    {
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Steps, actual.Steps);
        var e = Values(expected).ToList();
        var a = Values(actual).ToList();
        Assert.Equal(e.Select(x => (x.Name, x.Step, x.Epoch)), a.Select(x => (x.Name, x.Step, x.Epoch)));
        return e.Zip(a).Max(p => Math.Abs(p.First.Value - p.Second.Value) / Math.Max(Math.Abs(p.First.Value), 1e-12));
    }

    private static double Final(RunResult r, string metric) => r.EpochMetrics.Last(m => m.Name == metric).Value;

    [Theory]
    [InlineData(2, 50, 0.0)]   // 1,257 training digits: shards of 25, the last batch of 7 split 4 + 3
    [InlineData(3, 50, 1e-2)]  // shards of 17/17/16 and 3/2/2, with the L2 penalty (scaled by the global batch size)
    public void RanksEqualOneProcessAtTheSameGlobalBatch(int ranks, int batch, double l2)
    {
        var one = Plain(Spec(batch, l2));
        var parallel = Parallel(Spec(batch, l2, ranks: ranks), ranks);
        Assert.Equal(RunStatus.Completed, one.Status);
        foreach (var rank in parallel)
        {
            // Every rank records the same values (the global batch's loss; the same model after every step) ...
            Assert.Equal(Values(parallel[0]), Values(rank));
        }

        // ... equal to one process's to rounding: the per-step losses and every epoch metric, the final ones within 1e-6.
        Assert.InRange(MaxRelative(one, parallel[0]), 0, 1e-5);
        foreach (var metric in new[] { "train_loss", "val_loss", "val_accuracy" })
        {
            var (expected, actual) = (Final(one, metric), Final(parallel[0], metric));
            Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Abs(expected), $"{metric}: {expected:R} vs {actual:R}");
        }
    }

    [Fact]
    public void AnEmptyShardContributesNothing()
    {
        // Batches of 4 leave a last batch of 1 digit (1,257 = 314 × 4 + 1): rank 1's shard of it is empty.
        var one = Plain(Spec(4, 0, epochs: 1));
        var parallel = Parallel(Spec(4, 0, epochs: 1, ranks: 2), 2);
        Assert.Equal(RunStatus.Completed, parallel[0].Status);
        Assert.InRange(MaxRelative(one, parallel[0]), 0, 1e-5);
    }

    [Fact]
    public void OneRankIsThePlainRunBitForBit()
    {
        var spec = Spec(50, 1e-2);
        var plain = Plain(spec);
        var context = new RunContext(spec, spec.Runs()[0], EngineCatalog.Instance) { DataParallel = new DataParallel(SingleProcessCommunicator.Instance) };
        var single = spec.Task.Definition.CreateRun(spec.Task, null).Run(context);
        Assert.Equal(Values(plain), Values(single));
    }

    [Fact]
    public void ADivergedRunStopsAtTheSameStepOnEveryRank()
    {
        // Regression on the shipped Friedman #1 CSV with a far too large step: the squared error overflows.
        var data = Path.Combine(Golden.RepositoryRoot, "examples", "lab", "data", "friedman1.csv").Replace("\\", "/", StringComparison.Ordinal);
        var spec = SpecParser.Parse($$"""
            { "name": "dp", "task": { "kind": "csv", "train": "{{data}}", "target": "y", "problem": "regression", "batch_size": 32 },
              "budget": { "epochs": 3 }, "seeds": [3], "optimizers": [ { "name": "sgd", "lr": 10, "momentum": 0.9 } ] }
            """, EngineCatalog.Instance);
        var one = Plain(spec);
        var parallel = Parallel(spec, 2);
        Assert.Equal(RunStatus.Diverged, one.Status);
        Assert.All(parallel, r => Assert.Equal((RunStatus.Diverged, one.Steps), (r.Status, r.Steps)));
    }

    [Fact]
    public void TheDataParallelCallbackMustKnowItsRanks()
    {
        var spec = Spec(50, 0);
        var e = Assert.Throws<ArgumentException>(() =>
            new RunContext(spec, spec.Runs()[0], EngineCatalog.Instance) { DataParallel = new Descent.Training.ActionCallback(Descent.Training.LearnerEvent.AfterStep, _ => { }) });
        Assert.Contains("must implement IDataParallel", e.Message, StringComparison.Ordinal);
    }
}
