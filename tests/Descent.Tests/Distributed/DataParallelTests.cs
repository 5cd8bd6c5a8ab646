using Descent.Autodiff;
using Descent.Distributed;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Training;
using Xunit;

namespace Descent.Tests.Distributed;

public class DataParallelTests
{
    private const int Samples = 96;
    private const int GlobalBatch = 32;

    /// <summary>A small MLP (or, with <paramref name="cnn"/>, the transfer CNN's layers without batch norm) on seeded
    /// random 8×8 images, trained <paramref name="epochs"/> epochs of 3 global batches; returns the final parameters.</summary>
    private static float[] Train(Communicator communicator, bool cnn, Func<IEnumerable<Parameter>, Optimizer> optimizer, bool zero,
        int epochs = 2, string? checkpoints = null, bool resume = false, bool mismatch = false, bool overlap = false)
    {
        var rng = new Rng(7);
        Module model = cnn
            ? new Sequential(new Conv2d(1, 4, 3, rng, padding: 1), new Relu(), new MaxPool2d(2), new Conv2d(4, 8, 3, rng), new Relu(),
                new MaxPool2d(2), new Flatten(), new Linear(8, 16, rng), new Gelu(), new Linear(16, 10, rng))
            : new Sequential(new Flatten(), new Linear(64, mismatch && communicator.Rank == 1 ? 33 : 32, rng, bias: false), new Relu(),
                new Linear(mismatch && communicator.Rank == 1 ? 33 : 32, 10, rng, bias: false));
        var features = new Tensor(Samples, 1, 8, 8);
        var data = new Rng(11);
        var span = features.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (float)data.NextNormal();
        }

        var labels = Enumerable.Range(0, Samples).Select(i => (int)(data.NextUInt64() % 10)).ToArray();
        var loader = new DataLoader(new Dataset(features, labels, 10), GlobalBatch, shuffle: true, seed: 3);
        if (communicator.Size > 1)
        {
            loader = loader.Shard(communicator.Rank, communicator.Size);
        }

        var inner = optimizer(model.Parameters());
        var opt = zero ? new ZeroRedundancyOptimizer(inner, communicator) : inner;
        var callbacks = new List<LearnerCallback> { new DataParallel(communicator, new DataParallelOptions { BucketBytes = 1024, Overlap = overlap }) };
        if (checkpoints is not null)
        {
            callbacks.Add(new Checkpointing(checkpoints) { Resume = resume, WritesFiles = communicator.IsRoot });
        }

        var learner = new Learner<Tensor, int[]>(model, opt, model.Forward, new CrossEntropyLoss().Forward)
        {
            SampleCount = l => l.Length,
            Callbacks = callbacks,
        };
        learner.Fit(epochs, Learner.Batches(loader), loader.BatchCount);
        return [.. model.Parameters().SelectMany(p => p.Span.ToArray())];
    }

    private static Optimizer AdamW(IEnumerable<Parameter> ps) => new AdamW(ps, new AdamWOptions { LearningRate = 1e-2, WeightDecay = 0.01 });

    private static Optimizer Sgd(IEnumerable<Parameter> ps) => new Sgd(ps, new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });

    private static Optimizer Muon(IEnumerable<Parameter> ps) => new Muon(ps, new MuonOptions { LearningRate = 0.02 });

    private static double RelativeDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double diff = 0, norm = 0;
        for (var i = 0; i < a.Length; i++)
        {
            diff += (double)(a[i] - b[i]) * (a[i] - b[i]);
            norm += (double)b[i] * b[i];
        }

        return Math.Sqrt(diff / norm);
    }

    [Theory]
    [InlineData(false, 2, false)]
    [InlineData(true, 2, false)]
    [InlineData(false, 3, false)]
    [InlineData(true, 2, true)]
    public void TwoOrThreeRanksEqualOneProcessAtTheSameGlobalBatch(bool cnn, int ranks, bool overlap)
    {
        var single = Train(SingleProcessCommunicator.Instance, cnn, AdamW, zero: false);
        var parallel = ThreadCommunicator.Run(ranks, c => Train(c, cnn, AdamW, zero: false, overlap: overlap));
        Assert.All(parallel, p => Assert.Equal(parallel[0], p)); // every rank holds the same model, bit for bit
        Assert.InRange(RelativeDifference(parallel[0], single), 0, 1e-6);
        Assert.NotEqual(Train(SingleProcessCommunicator.Instance, cnn, AdamW, zero: false, epochs: 1), single);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ZeroOneEqualsUnshardedBitForBit(bool cnn)
    {
        foreach (var optimizer in new Func<IEnumerable<Parameter>, Optimizer>[] { AdamW, Sgd })
        {
            var plain = ThreadCommunicator.Run(2, c => Train(c, cnn, optimizer, zero: false));
            var zero = ThreadCommunicator.Run(2, c => Train(c, cnn, optimizer, zero: true));
            Assert.Equal(plain[0], zero[0]);
            Assert.Equal(zero[0], zero[1]);
        }
    }

    [Fact]
    public void ZeroOneShardsMuonByWholeParameter()
    {
        var plain = ThreadCommunicator.Run(2, c => Train(c, cnn: false, Muon, zero: false));
        var zero = ThreadCommunicator.Run(2, c => Train(c, cnn: false, Muon, zero: true));
        Assert.Equal(plain[0], zero[0]);
        Assert.Equal(zero[0], zero[1]);
    }

    [Fact]
    public void ZeroOneHoldsOneNthOfTheState()
    {
        var bytes = ThreadCommunicator.Run(2, c =>
        {
            var model = new Sequential(new Linear(64, 32, new Rng(1)), new Linear(32, 10, new Rng(2)));
            var zero = new ZeroRedundancyOptimizer(AdamW(model.Parameters()), c);
            Assert.Equal(ZeroPartitioning.Elements, zero.Partitioning);
            var x = new Tensor(4, 64);
            model.Forward(x).Sum().Backward();
            zero.Step();
            return (zero.LocalStateBytes, zero.Inner.StateBytes);
        });
        var total = (64 * 32 + 32 + (32 * 10) + 10) * 8L;
        Assert.Equal(total, bytes[0].LocalStateBytes + bytes[1].LocalStateBytes);
        Assert.InRange(bytes[0].LocalStateBytes - bytes[1].LocalStateBytes, -8, 8);
        Assert.Equal(0, bytes[0].StateBytes); // the wrapped optimizer holds nothing
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ZeroOneStepAllocatesNothingInSteadyState(bool muon)
    {
        var rng = new Rng(3);
        var model = new Sequential(new Linear(16, 8, rng, bias: false), new Linear(8, 4, rng, bias: false));
        var zero = new ZeroRedundancyOptimizer(muon ? Muon(model.Parameters()) : AdamW(model.Parameters()), SingleProcessCommunicator.Instance);
        var x = new Tensor(2, 16);
        x.Span.Fill(0.25f);
        model.Forward(x).Sum().Backward();
        zero.Step();
        zero.Step();
        var before = GC.GetAllocatedBytesForCurrentThread();
        zero.Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ZeroCheckpointResumesOnAnotherNumberOfRanks()
    {
        using var dir = new Descent.Tests.Lab.TempDir();
        var uninterrupted = ThreadCommunicator.Run(2, c => Train(c, cnn: false, AdamW, zero: true, epochs: 2));
        ThreadCommunicator.Run(2, c => Train(c, cnn: false, AdamW, zero: true, epochs: 1, checkpoints: dir.Path));
        var resumed = ThreadCommunicator.Run(3, c => Train(c, cnn: false, AdamW, zero: true, epochs: 2, checkpoints: dir.Path, resume: true));
        Assert.InRange(RelativeDifference(resumed[0], uninterrupted[0]), 0, 1e-6);
        var single = Train(SingleProcessCommunicator.Instance, cnn: false, AdamW, zero: false, epochs: 2, checkpoints: dir.Path, resume: true);
        Assert.InRange(RelativeDifference(single, uninterrupted[0]), 0, 1e-6);
    }

    [Fact]
    public void RanksThatDisagreeOnTheModelFailBeforeTraining()
    {
        var e = Assert.Throws<MpiException>(() => ThreadCommunicator.Run(2, c => Train(c, cnn: false, AdamW, zero: false, mismatch: true)));
        Assert.Contains("rank 1 has a different model from rank 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleProcessCommunicatorIsTheIdentity()
    {
        var c = SingleProcessCommunicator.Instance;
        float[] data = [1, 2, 3];
        c.AllReduce<float>(data);
        c.Broadcast<float>(data);
        c.AllGatherInPlace<float>(data, [3], [0]);
        var gathered = new float[3];
        c.AllGather<float>(data, gathered);
        Assert.Equal([1f, 2, 3], gathered);
        Assert.Equal((0, 1, true), (c.Rank, c.Size, c.IsRoot));
        Assert.ThrowsAny<ArgumentException>(() => c.AllGatherInPlace<float>(data, [4], [0]));
    }

    [Fact]
    public void GradientHooksReportEveryParameterOnceWithItsFinalGradient()
    {
        var rng = new Rng(5);
        var model = new Sequential(new Linear(6, 5, rng), new Relu(), new Linear(5, 3, rng));
        var reported = new List<(Tensor Parameter, float[] Gradient)>();
        var x = new Tensor(2, 6);
        x.Span.Fill(0.5f);
        using (GradientHooks.OnGradientReady(t => reported.Add((t, t.Grad!.Span.ToArray()))))
        {
            model.Forward(x).Sum().Backward();
        }

        var ps = model.Parameters().ToList();
        Assert.Equal(ps.Count, reported.Count);
        Assert.Equal(ps.ToHashSet(), reported.Select(r => (Parameter)r.Parameter).ToHashSet());
        Assert.Equal(ps[2..].ToHashSet(), reported.Take(2).Select(r => (Parameter)r.Parameter).ToHashSet()); // last layer's first
        Assert.All(reported, r => Assert.Equal(r.Parameter.Grad!.Span.ToArray(), r.Gradient));
    }

    [Fact]
    public void ShardsOfABatchAreTheBatch()
    {
        var features = new Tensor(10, 2);
        for (var i = 0; i < 20; i++)
        {
            features.Span[i] = i;
        }

        var loader = new DataLoader(new Dataset(features, [.. Enumerable.Range(0, 10)], 10), 7, shuffle: true, seed: 2);
        var whole = loader.Batches(1).ToList();
        var shards = Enumerable.Range(0, 3).Select(r => loader.Shard(r, 3).Batches(1).ToList()).ToList();
        for (var b = 0; b < whole.Count; b++)
        {
            Assert.Equal(whole[b].Labels, shards.SelectMany(s => s[b].Labels));
            Assert.Equal(whole[b].Inputs.Span.ToArray(), shards.SelectMany(s => s[b].Inputs.Span.ToArray()));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Shard(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Shard(0, 8));
    }

    [Fact]
    public void MissingMpiLibraryNamesThePackage()
    {
        var saved = Environment.GetEnvironmentVariable("DESCENT_MPI_LIBRARY");
        try
        {
            Environment.SetEnvironmentVariable("DESCENT_MPI_LIBRARY", "/nonexistent/libmpi.so.12");
            var e = Assert.Throws<MpiException>(MpiNative.Load);
            Assert.Contains("apt-get install mpich", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("DESCENT_MPI_LIBRARY", saved);
        }
    }
}
