using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Descent.Distributed;
using Descent.Nn;
using Descent.Nn.Losses;
using Descent.Optimizers;
using Descent.Training;

namespace Descent.Bench;

/// <summary>
/// Data-parallel training over MPI (<see cref="DataParallel"/>): for the 784-512-512-10 MLP and the transfer CNN's layers
/// (without batch norm) on seeded synthetic 28×28 images, the step time of 1 rank (this process) and of 2 ranks
/// (<c>mpirun -n 2</c> of this program's <c>dist-rank</c> mode, each rank with half the cores), the gradient bytes
/// all-reduced per step, the bus bandwidth of one all-reduce of that size (blocking, and non-blocking as
/// <see cref="DataParallelOptions.Overlap"/> uses) (NCCL-tests' convention: 2(N−1)/N × bytes /
/// time), and ZeRO-1's optimizer state per rank. <c>--check</c> also verifies, under MPI, that 2 ranks end with the
/// parameters of one process at the same global batch (≤ 1e-6 relative) and that ZeRO-1 equals unsharded training bit for
/// bit; it fails (exit 1) otherwise. Without <c>mpirun</c> only the 1-rank rows are measured, with the reason printed.
/// </summary>
internal static class DistSuite
{
    private const int GlobalBatch = 64;

    public static List<BenchRow> Run(bool quick, Action<string> log)
    {
        var rows = Measure1And2(quick, check: false, log);
        return rows;
    }

    /// <summary>The 1-rank rows measured here, then the 2-rank rows from <c>mpirun -n 2 … dist-rank</c>.</summary>
    public static List<BenchRow> Measure1And2(bool quick, bool check, Action<string> log)
    {
        var rows = Worker(SingleProcessCommunicator.Instance, quick, check: false, log);
        var mpirun = FindMpirun();
        if (mpirun is null)
        {
            log("mpirun not found (Debian/Ubuntu: apt-get install mpich): 2-rank rows skipped");
            return rows;
        }

        var output = Path.Combine(Path.GetTempPath(), $"descent-dist-{Environment.ProcessId}.json");
        var self = typeof(DistSuite).Assembly.Location;
        var threads = Math.Max(1, Environment.ProcessorCount / 2).ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo(mpirun)
        {
            ArgumentList = { "-n", "2", "-env", "DESCENT_THREADS", threads, "dotnet", self, "dist-rank", output },
            RedirectStandardOutput = false,
        };
        if (quick)
        {
            info.ArgumentList.Add("--quick");
        }

        if (check)
        {
            info.ArgumentList.Add("--check");
        }

        using var process = Process.Start(info)!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mpirun -n 2 dist-rank failed with exit code {process.ExitCode}");
        }

        rows.AddRange(JsonSerializer.Deserialize<List<BenchRow>>(File.ReadAllText(output))!);
        File.Delete(output);
        return rows;
    }

    /// <summary>The <c>dist-rank</c> mode, one MPI rank: measures (and with --check verifies); rank 0 writes the rows to
    /// <paramref name="output"/>. Returns the exit code.</summary>
    public static int RankMain(string output, bool quick, bool check)
    {
        var communicator = Communicator.FromEnvironment();
        var rows = Worker(communicator, quick, check, msg => Console.Error.WriteLine($"  [dist rank {communicator.Rank}] {msg}"));
        if (communicator.IsRoot)
        {
            File.WriteAllText(output, JsonSerializer.Serialize(rows));
        }

        return rows.Any(r => r.Metric == "parity" && r.Value != 1) ? 1 : 0;
    }

    private static List<BenchRow> Worker(Communicator communicator, bool quick, bool check, Action<string> log)
    {
        var rows = new List<BenchRow>();
        var n = communicator.Size;
        var steps = quick ? 6 : 20;
        foreach (var cnn in new[] { false, true })
        {
            var name = cnn ? "CNN 28x28 (no BN)" : "MLP 784-512-512-10";
            var (seconds, bytes, zeroState, fullState) = TimeSteps(communicator, cnn, steps);
            var busBandwidth = n == 1 ? 0 : AllReduceBusBandwidth(communicator, (int)(bytes / sizeof(float)), quick ? 5 : 20);
            log($"{name}, {n} rank(s): {seconds * 1e3:F2} ms/step, {bytes / 1e6:F2} MB all-reduced/step, bus {busBandwidth / 1e9:F2} GB/s");
            var note = $"{n} rank(s) ({communicator.Description}), global batch {GlobalBatch}, AdamW, threads/rank {Threads.Max}";
            var c = $"{name}, {n} rank{(n == 1 ? "" : "s")}";
            rows.Add(new BenchRow { Suite = "dist", Case = c, Metric = "step time (median)", Unit = "ms", Value = seconds * 1e3, HigherIsBetter = false, Note = note });
            rows.Add(new BenchRow { Suite = "dist", Case = c, Metric = "bytes all-reduced per step", Unit = "MB", Value = n == 1 ? 0 : bytes / 1e6, Note = note });
            if (n > 1)
            {
                rows.Add(new BenchRow { Suite = "dist", Case = c, Metric = "all-reduce bus bandwidth", Unit = "GB/s", Value = busBandwidth / 1e9, Note = note });
                var nonBlocking = AllReduceBusBandwidth(communicator, (int)(bytes / sizeof(float)), quick ? 3 : 10, nonBlocking: true);
                rows.Add(new BenchRow
                {
                    Suite = "dist", Case = c, Metric = "MPI_Iallreduce bus bandwidth", Unit = "GB/s", Value = nonBlocking / 1e9,
                    Note = "non-blocking (DataParallelOptions.Overlap = true) without a progress thread",
                });
                rows.Add(new BenchRow
                {
                    Suite = "dist", Case = c, Metric = "ZeRO-1 optimizer state per rank", Unit = "MB", Value = zeroState / 1e6, HigherIsBetter = false,
                    Note = $"unsharded: {fullState / 1e6:F2} MB per rank",
                });
            }

            if (check && n > 1)
            {
                rows.Add(Check(communicator, cnn, name, log));
            }
        }

        return rows;
    }

    /// <summary>Median seconds per data-parallel step over <paramref name="steps"/> steps after 2 warm-up steps (the slowest
    /// rank's), the gradient bytes all-reduced per step, and the optimizer-state bytes per rank with and without ZeRO-1.</summary>
    private static (double Seconds, long Bytes, long ZeroState, long FullState) TimeSteps(Communicator communicator, bool cnn, int steps)
    {
        var (model, batches) = Scenario(communicator, cnn, steps + 2);
        var optimizer = new AdamW(model.Parameters(), new AdamWOptions { LearningRate = 1e-3 });
        var parallel = new DataParallel(communicator);
        var stamps = new List<long>();
        var learner = new Learner<Tensor, int[]>(model, optimizer, model.Forward, new CrossEntropyLoss().Forward)
        {
            SampleCount = l => l.Length,
            Workspace = new Autodiff.Workspace(),
            Callbacks = [parallel, new ActionCallback(LearnerEvent.AfterBatch, _ => stamps.Add(Stopwatch.GetTimestamp()))],
        };
        learner.Fit(1, batches);
        var times = new double[steps];
        for (var i = 0; i < steps; i++)
        {
            times[i] = Stopwatch.GetElapsedTime(stamps[i + 1], stamps[i + 2]).TotalSeconds;
        }

        communicator.AllReduce<double>(times, ReductionOperation.Max);
        Array.Sort(times);
        var zero = communicator.Size > 1 ? ZeroState(communicator, cnn) : 0;
        return (times[steps / 2], parallel.BytesReducedPerStep, zero, optimizer.StateBytes);
    }

    private static long ZeroState(Communicator communicator, bool cnn)
    {
        var (model, batches) = Scenario(communicator, cnn, 1);
        var zero = new ZeroRedundancyOptimizer(new AdamW(model.Parameters()), communicator);
        new Learner<Tensor, int[]>(model, zero, model.Forward, new CrossEntropyLoss().Forward) { Callbacks = [new DataParallel(communicator)] }
            .Fit(1, batches);
        return zero.LocalStateBytes;
    }

    /// <summary>Bytes/second of one all-reduce of <paramref name="floats"/> floats in NCCL-tests' bus-bandwidth convention
    /// (2(N−1)/N × bytes / time, the ring's traffic per link), best of <paramref name="reps"/>.</summary>
    private static double AllReduceBusBandwidth(Communicator communicator, int floats, int reps, bool nonBlocking = false)
    {
        var buffer = new float[floats];
        var best = double.MaxValue;
        var time = new double[1];
        for (var i = 0; i < reps + 1; i++)
        {
            communicator.Barrier();
            var start = Stopwatch.GetTimestamp();
            if (nonBlocking)
            {
                communicator.StartAllReduce(buffer);
                communicator.WaitAll();
            }
            else
            {
                communicator.AllReduce<float>(buffer);
            }

            time[0] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            communicator.AllReduce<double>(time, ReductionOperation.Max);
            if (i > 0)
            {
                best = Math.Min(best, time[0]);
            }
        }

        var n = communicator.Size;
        return 2.0 * (n - 1) / n * floats * sizeof(float) / best;
    }

    /// <summary>2 ranks vs one process (this rank alone, same global batches) and ZeRO-1 (blocking all-reduce) vs
/// unsharded (overlapped all-reduce), 3 steps each.</summary>
    private static BenchRow Check(Communicator communicator, bool cnn, string name, Action<string> log)
    {
        float[] Train(Communicator c, bool zero, bool overlap = false)
        {
            var (model, batches) = Scenario(c, cnn, 3);
            var inner = new AdamW(model.Parameters(), new AdamWOptions { LearningRate = 1e-3, WeightDecay = 0.01 });
            Optimizer optimizer = zero ? new ZeroRedundancyOptimizer(inner, c) : inner;
            new Learner<Tensor, int[]>(model, optimizer, model.Forward, new CrossEntropyLoss().Forward)
            {
                SampleCount = l => l.Length,
                Callbacks = [new DataParallel(c, new DataParallelOptions { Overlap = overlap })],
            }.Fit(1, batches);
            return [.. model.Parameters().SelectMany(p => p.Span.ToArray())];
        }

        // Overlapped (MPI_Iallreduce) here, blocking in the ZeRO-1 run: the bit-for-bit comparison covers both.
        var parallel = Train(communicator, zero: false, overlap: true);
        var sharded = Train(communicator, zero: true);
        var single = Train(SingleProcessCommunicator.Instance, zero: false);
        double diff = 0, norm = 0;
        for (var i = 0; i < single.Length; i++)
        {
            diff += (double)(parallel[i] - single[i]) * (parallel[i] - single[i]);
            norm += (double)single[i] * single[i];
        }

        var relative = Math.Sqrt(diff / norm);
        var zeroEqual = parallel.AsSpan().SequenceEqual(sharded);
        var ok = new[] { relative <= 1e-6 && zeroEqual ? 1 : 0 };
        communicator.AllReduce<int>(ok, ReductionOperation.Min);
        log($"check {name}: 2 ranks vs 1 process {relative:E2} relative (≤ 1e-6), bit-identical: {parallel.AsSpan().SequenceEqual(single)}; "
            + $"ZeRO-1 == unsharded bit for bit: {zeroEqual} → {(ok[0] == 1 ? "PASS" : "FAIL")}");
        return new BenchRow
        {
            Suite = "dist", Case = $"{name}, 2 ranks", Metric = "parity", Unit = "pass", Value = ok[0],
            Note = $"vs 1 process: {relative:E2} relative; ZeRO-1 bit-identical to unsharded: {zeroEqual}",
        };
    }

    /// <summary>The model (seeded: the same on every rank) and this rank's shard of <paramref name="batches"/> global batches
    /// of seeded synthetic 28×28 images with 10 classes.</summary>
    private static (Module Model, List<(Tensor, int[])> Batches) Scenario(Communicator communicator, bool cnn, int batches)
    {
        var rng = new Rng(42);
        Module model = cnn
            ? new Sequential(new Conv2d(1, 8, 3, rng, padding: 1), new Relu(), new MaxPool2d(2), new Conv2d(8, 16, 3, rng), new Relu(),
                new MaxPool2d(2), new Flatten(), new Linear(16 * 6 * 6, 32, rng), new Gelu(), new Linear(32, 10, rng))
            : new Sequential(new Flatten(), new Linear(784, 512, rng), new Relu(), new Linear(512, 512, rng), new Relu(), new Linear(512, 10, rng));
        var data = new Rng(43);
        var features = new Tensor(GlobalBatch * batches, 1, 28, 28);
        var span = features.Span;
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = data.NextFloat();
        }

        var labels = Enumerable.Range(0, GlobalBatch * batches).Select(_ => (int)(data.NextUInt64() % 10)).ToArray();
        var loader = new DataLoader(new Dataset(features, labels, 10), GlobalBatch);
        if (communicator.Size > 1)
        {
            loader = loader.Shard(communicator.Rank, communicator.Size);
        }

        return (model, [.. loader.Batches(0).Select(b => (b.Inputs, b.Labels))]);
    }

    private static string? FindMpirun() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(d => Path.Combine(d, "mpirun"))
            .FirstOrDefault(File.Exists);
}
