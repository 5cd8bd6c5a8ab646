using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// Multiplies the learning rates by <see cref="Factor"/> when a monitored metric has not improved for more
/// than <see cref="Patience"/> calls of <see cref="Step(double)"/>, then waits <see cref="Cooldown"/> calls
/// before counting again; learning rates never go below the groups' minimum, and a reduction smaller than
/// <see cref="Epsilon"/> is skipped. Equivalent to <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>
/// (a NaN metric counts as no improvement).
/// </summary>
public sealed class ReduceOnPlateauScheduler : ILearningRateScheduler
{
    private readonly double[] lastLearningRates;
    private double[] minLearningRates;
    private readonly double? defaultMinLearningRate;

    /// <summary>Creates the schedule with one minimum learning rate for every group.</summary>
    public ReduceOnPlateauScheduler(
        Optimizer optimizer,
        PlateauMode mode = PlateauMode.Min,
        double factor = 0.1,
        int patience = 10,
        double threshold = 1e-4,
        ThresholdMode thresholdMode = ThresholdMode.Rel,
        int cooldown = 0,
        double minLearningRate = 0,
        double eps = 1e-8)
        : this(optimizer, mode, factor, patience, threshold, thresholdMode, cooldown, [minLearningRate], eps)
    {
        defaultMinLearningRate = minLearningRate;
    }

    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="mode">Whether the metric should decrease (default) or increase.</param>
    /// <param name="factor">new_lr = lr·factor (default 0.1), in [0, 1).</param>
    /// <param name="patience">Calls without improvement tolerated before reducing (default 10), ≥ 0.</param>
    /// <param name="threshold">Minimum significant improvement (default 1e-4), finite and ≥ 0.</param>
    /// <param name="thresholdMode">Relative (default) or absolute threshold.</param>
    /// <param name="cooldown">Calls to wait after a reduction (default 0), ≥ 0.</param>
    /// <param name="minLearningRates">Lower bound, one for all groups or one per group (PyTorch: <c>min_lr</c>),
    /// finite and ≥ 0.</param>
    /// <param name="eps">Smallest reduction applied (default 1e-8), finite and ≥ 0.</param>
    public ReduceOnPlateauScheduler(
        Optimizer optimizer,
        PlateauMode mode,
        double factor,
        int patience,
        double threshold,
        ThresholdMode thresholdMode,
        int cooldown,
        IReadOnlyList<double> minLearningRates,
        double eps)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{nameof(mode)} must be Min or Max, got {mode}");
        }

        if (!Enum.IsDefined(thresholdMode))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode,
                $"{nameof(thresholdMode)} must be Rel or Abs, got {thresholdMode}");
        }

        Mode = mode;
        ThresholdMode = thresholdMode;
        Factor = Require.InRightOpen(factor, 0, 1, nameof(factor));
        Patience = Require.AtLeast(patience, 0, nameof(patience));
        Threshold = Require.NonNegative(threshold, nameof(threshold));
        Cooldown = Require.AtLeast(cooldown, 0, nameof(cooldown));
        Epsilon = Require.NonNegative(eps, nameof(eps));
        ArgumentNullException.ThrowIfNull(minLearningRates);
        if (minLearningRates.Count != optimizer.Groups.Count && minLearningRates.Count != 1)
        {
            throw new ArgumentException(
                $"{nameof(minLearningRates)} must have one value or one per parameter group ({optimizer.Groups.Count}), " +
                $"got {minLearningRates.Count}", nameof(minLearningRates));
        }

        foreach (var m in minLearningRates)
        {
            Require.NonNegative(m, nameof(minLearningRates));
        }

        this.minLearningRates = Require.PerGroup(minLearningRates, optimizer.Groups.Count, nameof(minLearningRates));
        lastLearningRates = [.. optimizer.Groups.Select(g => g.LearningRate)];
        Best = WorstValue;
    }

    /// <inheritdoc />
    public Optimizer Optimizer { get; }

    /// <inheritdoc />
    public IReadOnlyList<double> LastLearningRates => lastLearningRates;

    /// <summary>Whether lower or higher metrics are better.</summary>
    public PlateauMode Mode { get; }

    /// <summary>Relative or absolute threshold.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Multiplicative reduction.</summary>
    public double Factor { get; }

    /// <summary>Calls without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Minimum significant improvement.</summary>
    public double Threshold { get; }

    /// <summary>Calls to wait after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>Smallest reduction applied.</summary>
    public double Epsilon { get; }

    /// <summary>The minimum learning rate of each group.</summary>
    public IReadOnlyList<double> MinLearningRates => minLearningRates;

    /// <summary>The best metric seen (PyTorch: <c>best</c>).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive calls without improvement (PyTorch: <c>num_bad_epochs</c>).</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Calls of cooldown left (PyTorch: <c>cooldown_counter</c>).</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>Number of <see cref="Step(double)"/> calls (PyTorch: <c>last_epoch</c>).</summary>
    public int LastEpoch { get; private set; }

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Records the metric of one epoch and reduces the learning rates if it has plateaued.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            BadEpochs = 0;
        }
        else
        {
            BadEpochs++;
        }

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            BadEpochs = 0;
        }

        if (BadEpochs > Patience)
        {
            ReduceLearningRates();
            CooldownCounter = Cooldown;
            BadEpochs = 0;
        }

        for (var i = 0; i < lastLearningRates.Length && i < Optimizer.Groups.Count; i++)
        {
            lastLearningRates[i] = Optimizer.Groups[i].LearningRate;
        }
    }

    /// <inheritdoc />
    public SchedulerState GetState() => new()
    {
        Scheduler = nameof(ReduceOnPlateauScheduler),
        LastEpoch = LastEpoch,
        LastLearningRates = (double[])lastLearningRates.Clone(),
        BaseLearningRates = (double[])minLearningRates.Clone(),
        Values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["best"] = Best,
            ["num_bad_epochs"] = BadEpochs,
            ["cooldown_counter"] = CooldownCounter,
        },
    };

    /// <inheritdoc />
    public void LoadState(SchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Scheduler != nameof(ReduceOnPlateauScheduler))
        {
            throw new ArgumentException($"the saved schedule is a {state.Scheduler}, but this one is a ReduceLROnPlateau", nameof(state));
        }

        if (state.LastLearningRates.Length != lastLearningRates.Length)
        {
            throw new ArgumentException(
                $"the saved ReduceLROnPlateau state has {state.LastLearningRates.Length} learning rates, but the optimizer " +
                $"has {lastLearningRates.Length} parameter groups", nameof(state));
        }

        double Get(string name) => state.Values.TryGetValue(name, out var v)
            ? v
            : throw new ArgumentException($"the saved ReduceLROnPlateau state has no value '{name}'", nameof(state));
        Best = Get("best");
        BadEpochs = checked((int)Get("num_bad_epochs"));
        CooldownCounter = checked((int)Get("cooldown_counter"));
        LastEpoch = state.LastEpoch;
        state.LastLearningRates.CopyTo(lastLearningRates, 0);
        if (state.BaseLearningRates.Length == minLearningRates.Length)
        {
            minLearningRates = (double[])state.BaseLearningRates.Clone();
        }
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (Threshold + 1.0),
        _ => a > best + Threshold,
    };

    private void ReduceLearningRates()
    {
        var groups = Optimizer.Groups;
        if (groups.Count != minLearningRates.Length)
        {
            minLearningRates = defaultMinLearningRate is double d
                ? [.. Enumerable.Repeat(d, groups.Count)]
                : throw new InvalidOperationException(
                    $"the optimizer has {groups.Count} parameter groups but ReduceLROnPlateau was created with " +
                    $"{minLearningRates.Length} minimum learning rates (a group was added); create it again");
        }

        for (var i = 0; i < groups.Count; i++)
        {
            var oldLr = groups[i].LearningRate;
            var newLr = Math.Max(oldLr * Factor, minLearningRates[i]);
            if (oldLr - newLr > Epsilon)
            {
                groups[i].LearningRate = newLr;
            }
        }
    }
}
