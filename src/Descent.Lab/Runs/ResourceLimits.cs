using System.Globalization;
using Descent.Lab.Catalog;
using Descent.Lab.Specs;
using Descent.Lab.Tasks;
using Descent.Nn;

namespace Descent.Lab.Runs;

/// <summary>
/// The limits a spec is checked against before its first run (<see cref="Check"/>): the number of runs its grid expands to
/// (<see cref="MaxRuns"/>, raised explicitly, e.g. by <c>descent compare --max-runs N</c>), and the memory its runs in
/// flight need — each run's parameters, gradients and optimizer state plus its task's activations
/// (<see cref="Descent.Lab.Tasks.ILabTask.Footprint"/>) — against the memory available to the process. A spec over a
/// limit is refused with the estimate in the message, instead of starting a million runs or dying out of memory.
/// </summary>
public sealed record ResourceLimits
{
    /// <summary>The default <see cref="MaxRuns"/>.</summary>
    public const long DefaultMaxRuns = 10_000;

    private const double GiB = 1024.0 * 1024 * 1024;

    /// <summary>Most runs one spec may expand to (configurations × seeds); default <see cref="DefaultMaxRuns"/>.</summary>
    public long MaxRuns
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxRuns), value, "MaxRuns must be at least 1");
    } = DefaultMaxRuns;

    /// <summary>Bytes the runs in flight may use together; default the memory available to the process
    /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: physical memory or the container's limit).</summary>
    public long AvailableBytes
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(AvailableBytes), value, "AvailableBytes must be at least 1");
    } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>The number of runs <paramref name="spec"/> expands to — each optimizer entry's grid size, summed, times the
    /// seeds — computed without expanding the grid (saturating at <see cref="long.MaxValue"/>).</summary>
    public static long RunCount(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        long configurations = 0;
        foreach (var o in spec.Optimizers)
        {
            long grid = 1;
            foreach (var (_, values) in o.Hyperparameters)
            {
                grid = Saturating(grid, values.Count);
            }

            configurations = configurations > long.MaxValue - grid ? long.MaxValue : configurations + grid;
        }

        return Saturating(configurations, spec.Seeds.Count);
    }

    /// <summary>Bytes of optimizer state per parameter value of <paramref name="configuration"/>'s optimizer (SGD 0, SGD with
    /// momentum 4, Adam 8, AMSGrad 12, 8-bit Adam about 2), measured on the state it holds
    /// (<see cref="Descent.Optimizers.ParameterState.Bytes"/>) for a 64×64 probe parameter after one update.</summary>
    public static double StateBytesPerParameter(RunConfiguration configuration, IOptimizerCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(catalog);
        // One step on a probe: some state is created by the first update (SGD's momentum buffer, as in PyTorch).
        var probe = new Parameter(64, 64);
        var optimizer = catalog.CreateOptimizer(configuration.Optimizer, configuration.Hyperparameters, [probe]);
        var gradient = Tensor.Zeros(64, 64);
        gradient.Span.Fill(1e-3f);
        probe.Grad = gradient;
        optimizer.Step();
        var state = optimizer.GetState(probe) ?? optimizer.CreateInitialState(probe);
        return (double)state.Bytes / probe.Length;
    }

    /// <summary>Estimated peak bytes of one run of <paramref name="configuration"/>: parameters × (4 bytes of weight, 4 of
    /// gradient and the optimizer's state bytes) + the task's activations; 0 when the task declares no footprint. A run of
    /// several ranks (<see cref="ExperimentSpec.Ranks"/>) holds the parameters, gradients and state once per rank (the
    /// activations, split between the ranks, once).</summary>
    public static double EstimateBytes(ExperimentSpec spec, RunConfiguration configuration, IOptimizerCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Task.Definition.Footprint(spec.Task) is { } f ? EstimateBytes(f, StateBytesPerParameter(configuration, catalog), spec.Ranks) : 0;
    }

    private static double EstimateBytes(MemoryFootprint footprint, double stateBytesPerParameter, int ranks) =>
        (ranks * footprint.Parameters * (8.0 + stateBytesPerParameter)) + footprint.ActivationBytes;

    /// <summary>Refuses <paramref name="spec"/> (<see cref="SpecValidationException"/> with the estimate) when it expands to
    /// more than <see cref="MaxRuns"/> runs, or when <paramref name="jobs"/> of its largest runs in parallel would need more
    /// than <see cref="AvailableBytes"/>.</summary>
    public void Check(ExperimentSpec spec, IOptimizerCatalog catalog, int jobs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var runs = RunCount(spec);
        if (runs > MaxRuns)
        {
            var configurations = runs / Math.Max(1, spec.Seeds.Count);
            throw new SpecValidationException([new SpecError("$",
                Invariant($"the spec expands to {runs:N0} runs ({configurations:N0} configurations × {spec.Seeds.Count:N0} seeds){Took(EstimateTime(spec, jobs))}, more than the limit of {MaxRuns:N0}; ")
                + Invariant($"make the grid or the seeds smaller, or raise the limit explicitly (descent compare --max-runs {runs})"))]);
        }

        if (spec.Task.Definition.Footprint(spec.Task) is not { } footprint)
        {
            return;
        }

        // The footprint once, the optimizer's state per configuration once (each a probe step).
        var (largest, configuration, state) = spec.Configurations()
            .Select(c => (Configuration: c, State: StateBytesPerParameter(c, catalog)))
            .Select(x => (Bytes: EstimateBytes(footprint, x.State, spec.Ranks), x.Configuration, x.State))
            .MaxBy(x => x.Bytes);
        var parallel = (int)Math.Min(jobs, runs);
        if (largest * parallel <= AvailableBytes)
        {
            return;
        }

        var perRank = spec.Ranks > 1 ? Invariant($"{spec.Ranks} ranks × ") : string.Empty;
        var one = Invariant($"one run of {spec.Task.Kind} ({configuration.Optimizer}) needs about {largest / GiB:0.##} GiB ({perRank}{footprint.Parameters:N0} parameters × ")
                  + Invariant($"(4 bytes of weight, 4 of gradient, {state:0.##} of optimizer state) + {footprint.ActivationBytes / GiB:0.##} GiB of activations)");
        var advice = largest <= AvailableBytes
            ? Invariant($"run at most {(long)(AvailableBytes / largest)} in parallel (--jobs)")
            : "make the model or the batch smaller";
        var together = parallel > 1 ? Invariant($", {parallel} in parallel {largest * parallel / GiB:0.##} GiB") : string.Empty;
        throw new SpecValidationException([new SpecError("$.task",
            one + together + Invariant($", more than the {AvailableBytes / GiB:0.##} GiB of memory available; {advice}"))]);
    }

    /// <summary>Estimated compute time of all of <paramref name="spec"/>'s runs with <paramref name="jobs"/> in parallel: per
    /// run 6 floating-point operations per parameter per training sample (forward 2, backward 4) over the budget's samples,
    /// at this machine's matrix-product speed (<see cref="MeasuredGflops"/>); null when the task declares no footprint with
    /// sample counts. A lower bound: evaluation passes and element-wise work come on top.</summary>
    public static TimeSpan? EstimateTime(ExperimentSpec spec, int jobs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        if (spec.Task.Definition.Footprint(spec.Task) is not { } f)
        {
            return null;
        }

        double? samples = spec.Budget switch
        {
            { Steps: { } steps } when f.SamplesPerStep is { } batch => (double)steps * batch,
            { Epochs: { } epochs } when f.SamplesPerEpoch is { } rows => (double)epochs * rows,
            _ => null,
        };
        if (samples is not { } n)
        {
            return null;
        }

        var seconds = (double)RunCount(spec) * 6.0 * f.Parameters * n / (MeasuredGflops * 1e9) / jobs;
        return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
    }

    /// <summary>This machine's matrix-product speed in GFLOP/s, measured once (best of five 128×128×128 products through
    /// <see cref="Descent.Numerics.Gemm"/>, a few milliseconds).</summary>
    public static double MeasuredGflops => Gflops.Value;

    private static readonly Lazy<double> Gflops = new(() =>
    {
        const int n = 128;
        var a = new float[n * n];
        var c = new float[n * n];
        a.AsSpan().Fill(0.5f);
        var best = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            Descent.Numerics.Gemm.Multiply(false, false, n, n, n, 1f, a, n, a, n, 0f, c, n);
            best = Math.Min(best, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return Math.Max(1.0, 2.0 * n * n * n / Math.Max(best, 1e-9) / 1e9);
    });

    private static long Saturating(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;

    /// <summary>", estimated at least 3.2 hours of compute" (the largest sensible unit), or nothing without an estimate.</summary>
    private static string Took(TimeSpan? time) => time switch
    {
        null => string.Empty,
        { TotalDays: >= 2 } t => Invariant($", estimated at least {t.TotalDays:0.#} days of compute"),
        { TotalHours: >= 2 } t => Invariant($", estimated at least {t.TotalHours:0.#} hours of compute"),
        { } t => Invariant($", estimated at least {t.TotalMinutes:0.#} minutes of compute"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
