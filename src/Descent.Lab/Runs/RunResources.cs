using Descent.Optimizers;

namespace Descent.Lab.Runs;

/// <summary>
/// What a run cost in memory, recorded by the <see cref="ExperimentRunner"/> for every task as three per-epoch
/// metrics at the run's last epoch (so the run store needs no column of its own): <see cref="TrainableParameters"/>
/// (elements of the parameters that require gradients in the optimizers the run created through
/// <see cref="RunContext.CreateOptimizer(IReadOnlyList{Descent.Nn.Parameter})"/>), <see cref="OptimizerStateBytes"/>
/// (their <see cref="Optimizer.StateBytes"/> at the end of the run) and <see cref="PeakWorkingSetBytes"/> (the process's
/// peak working set during the run, see <see cref="PeakWorkingSetMeter"/>).
/// </summary>
public static class RunResources
{
    /// <summary>Trainable parameters (elements).</summary>
    public const string TrainableParameters = "trainable_parameters";

    /// <summary>Optimizer state in bytes at the end of the run.</summary>
    public const string OptimizerStateBytes = "optimizer_state_bytes";

    /// <summary>The process's peak working set during the run, in bytes.</summary>
    public const string PeakWorkingSetBytes = "peak_working_set_bytes";

    /// <summary>The three metric names.</summary>
    public static IReadOnlyList<string> Names { get; } = [TrainableParameters, OptimizerStateBytes, PeakWorkingSetBytes];

    /// <summary><paramref name="result"/> with the resource metrics of <paramref name="optimizers"/> and
    /// <paramref name="peakWorkingSetBytes"/> appended to its epoch metrics, at its last epoch (0 when it has none) and
    /// its last step; the trainable parameters and state are left out when no optimizer was created. A resource metric the
    /// result already holds is kept and not appended again (a run performed in other processes — a data-parallel run's rank 0 —
    /// measured its own).</summary>
    public static RunResult Append(RunResult result, IReadOnlyList<Optimizer> optimizers, long peakWorkingSetBytes)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(optimizers);
        var epoch = result.EpochMetrics.Count == 0 ? 0 : result.EpochMetrics.Max(m => m.Epoch ?? 0);
        var seconds = result.Seconds;
        var points = new List<MetricPoint>(result.EpochMetrics);
        var held = result.EpochMetrics.Select(m => m.Name).Where(Names.Contains).ToHashSet(StringComparer.Ordinal);
        if (optimizers.Count > 0 && !held.Contains(TrainableParameters))
        {
            var trainable = optimizers.SelectMany(o => o.Groups).SelectMany(g => g.Parameters).Distinct()
                .Where(p => p.RequiresGrad).Sum(p => (long)p.Length);
            points.Add(new MetricPoint(TrainableParameters, result.Steps, epoch, trainable, seconds));
            points.Add(new MetricPoint(OptimizerStateBytes, result.Steps, epoch, optimizers.Sum(o => o.StateBytes), seconds));
        }

        if (!held.Contains(PeakWorkingSetBytes))
        {
            points.Add(new MetricPoint(PeakWorkingSetBytes, result.Steps, epoch, peakWorkingSetBytes, seconds));
        }

        return result with { EpochMetrics = points };
    }

    /// <summary>The value of resource metric <paramref name="name"/> in <paramref name="result"/>, or null.</summary>
    public static long? Of(RunResult result, string name)
    {
        ArgumentNullException.ThrowIfNull(result);
        for (var i = result.EpochMetrics.Count - 1; i >= 0; i--)
        {
            if (result.EpochMetrics[i].Name == name)
            {
                return (long)result.EpochMetrics[i].Value;
            }
        }

        return null;
    }
}
