using System.Reflection;
using Descent.Optimizers;

namespace Descent.Schedulers;

/// <summary>
/// The 1cycle policy (Smith &amp; Topin 2017, "Super-Convergence"): the learning rate rises from
/// max_lr/div_factor to max_lr over the first <see cref="PctStart"/> of the steps and then anneals to
/// max_lr/(div_factor·final_div_factor); with <c>threePhase</c> it rises, falls back symmetrically and then
/// anneals. Momentum (or β₁) is cycled inversely between <c>maxMomentum</c> and <c>baseMomentum</c>.
/// Equivalent to <c>torch.optim.lr_scheduler.OneCycleLR</c>; step it once per batch, at most
/// <see cref="TotalSteps"/> times.
/// </summary>
/// <remarks>Momentum cycling replaces the group options' <c>Momentum</c> property (SGD, RMSprop) or, when
/// there is none, its <c>Beta1</c> (Adam family), through the options record's <c>with</c>. As in PyTorch an
/// optimizer with neither is rejected unless <c>cycleMomentum</c> is false, and SGD created without momentum
/// gets momentum from this schedule. Steps 0 … total_steps−1 equal PyTorch; after the last one (step
/// total_steps, which PyTorch permits and extrapolates — to a negative learning rate with linear annealing)
/// Descent holds the final learning rate and momentum.</remarks>
public sealed class OneCycleScheduler : LearningRateScheduler
{
    private readonly Phase[] phases;
    private readonly double[] maxLearningRates;
    private readonly double[] minLearningRates;
    private readonly double[] maxMomentums;
    private readonly double[] baseMomentums;
    private readonly PropertyInfo? momentumProperty;

    /// <summary>Creates the schedule with one maximum learning rate for every group.</summary>
    public OneCycleScheduler(
        Optimizer optimizer,
        double maxLearningRate,
        int totalSteps,
        double pctStart = 0.3,
        AnnealStrategy annealStrategy = AnnealStrategy.Cos,
        bool cycleMomentum = true,
        double baseMomentum = 0.85,
        double maxMomentum = 0.95,
        double divFactor = 25.0,
        double finalDivFactor = 1e4,
        bool threePhase = false)
        : this(optimizer, [maxLearningRate], totalSteps, pctStart, annealStrategy, cycleMomentum, [baseMomentum],
            [maxMomentum], divFactor, finalDivFactor, threePhase)
    {
    }

    /// <summary>Creates the schedule and sets the learning rates (and momentum) for step 0.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="maxLearningRates">Peak learning rate, one for all groups or one per group (PyTorch:
    /// <c>max_lr</c>), finite and ≥ 0.</param>
    /// <param name="totalSteps">Number of steps in the cycle (PyTorch: <c>total_steps</c>, or
    /// epochs·steps_per_epoch), ≥ 1.</param>
    /// <param name="pctStart">Fraction of the cycle spent increasing the learning rate (default 0.3), in [0, 1].</param>
    /// <param name="annealStrategy">Cosine (default) or linear annealing.</param>
    /// <param name="cycleMomentum">Whether to cycle momentum / β₁ inversely to the learning rate (default true).</param>
    /// <param name="baseMomentums">Momentum at the learning-rate peak (default 0.85), one or one per group, in [0, 1).</param>
    /// <param name="maxMomentums">Momentum at the start and end (default 0.95), one or one per group, in [0, 1).</param>
    /// <param name="divFactor">initial_lr = max_lr / div_factor (default 25), finite and &gt; 0.</param>
    /// <param name="finalDivFactor">min_lr = initial_lr / final_div_factor (default 1e4), finite and &gt; 0.</param>
    /// <param name="threePhase">Use the paper's three phases instead of fastai's two (default false).</param>
    public OneCycleScheduler(
        Optimizer optimizer,
        IReadOnlyList<double> maxLearningRates,
        int totalSteps,
        double pctStart,
        AnnealStrategy annealStrategy,
        bool cycleMomentum,
        IReadOnlyList<double> baseMomentums,
        IReadOnlyList<double> maxMomentums,
        double divFactor,
        double finalDivFactor,
        bool threePhase)
        : base(optimizer)
    {
        var groups = optimizer.Groups;
        TotalSteps = Require.AtLeast(totalSteps, 1, nameof(totalSteps));
        PctStart = Require.InClosed(pctStart, 0, 1, nameof(pctStart));
        if (!Enum.IsDefined(annealStrategy))
        {
            throw new ArgumentOutOfRangeException(nameof(annealStrategy), annealStrategy,
                $"{nameof(annealStrategy)} must be Cos or Linear, got {annealStrategy}");
        }

        AnnealStrategy = annealStrategy;
        DivFactor = Require.Positive(divFactor, nameof(divFactor));
        FinalDivFactor = Require.Positive(finalDivFactor, nameof(finalDivFactor));
        ThreePhase = threePhase;
        CycleMomentum = cycleMomentum;
        this.maxLearningRates = Require.PerGroup(maxLearningRates, groups.Count, nameof(maxLearningRates));
        for (var i = 0; i < this.maxLearningRates.Length; i++)
        {
            Require.NonNegative(this.maxLearningRates[i], nameof(maxLearningRates));
        }

        this.maxMomentums = Require.PerGroup(maxMomentums, groups.Count, nameof(maxMomentums));
        this.baseMomentums = Require.PerGroup(baseMomentums, groups.Count, nameof(baseMomentums));
        for (var i = 0; i < groups.Count; i++)
        {
            Require.InRightOpen(this.maxMomentums[i], 0, 1, nameof(maxMomentums));
            Require.InRightOpen(this.baseMomentums[i], 0, 1, nameof(baseMomentums));
        }

        var t = (double)totalSteps;
        phases = threePhase
            ? [
                new((pctStart * t) - 1, Value.Initial, Value.Max, true, false),
                new((2 * pctStart * t) - 2, Value.Max, Value.Initial, false, true),
                new(t - 1, Value.Initial, Value.Min, true, true),
            ]
            : [
                new((pctStart * t) - 1, Value.Initial, Value.Max, true, false),
                new(t - 1, Value.Max, Value.Min, false, true),
            ];
        var start = 0.0;
        foreach (var phase in phases)
        {
            if (phase.EndStep == start)
            {
                throw new ArgumentException(
                    $"pctStart = {Require.Fmt(pctStart)} with totalSteps = {totalSteps} gives a phase of zero length " +
                    $"(ending at step {Require.Fmt(phase.EndStep)}); choose pctStart so that every phase has a length",
                    nameof(pctStart));
            }

            start = phase.EndStep;
        }

        if (cycleMomentum)
        {
            foreach (var g in groups)
            {
                var p = MomentumOption.Find(g.BaseOptions) ?? throw new ArgumentException(
                    $"{optimizer.Name}'s options ({g.BaseOptions.GetType().Name}) have neither Momentum nor Beta1; " +
                    "pass cycleMomentum: false", nameof(optimizer));
                momentumProperty ??= p;
            }
        }

        // All arguments are valid: now change the optimizer (PyTorch sets initial_lr, max_lr, min_lr, momentum).
        minLearningRates = new double[groups.Count];
        for (var i = 0; i < groups.Count; i++)
        {
            groups[i].InitialLearningRate = this.maxLearningRates[i] / divFactor;
            minLearningRates[i] = groups[i].InitialLearningRate / finalDivFactor;
            if (momentumProperty is not null)
            {
                MomentumOption.Set(groups[i], momentumProperty, this.maxMomentums[i]);
            }
        }

        ResetBaseLearningRates();
        InitialStep();
    }

    /// <summary>Number of steps in the cycle.</summary>
    public int TotalSteps { get; }

    /// <summary>Fraction of the cycle spent increasing the learning rate.</summary>
    public double PctStart { get; }

    /// <summary>Cosine or linear annealing.</summary>
    public AnnealStrategy AnnealStrategy { get; }

    /// <summary>Whether momentum / β₁ is cycled.</summary>
    public bool CycleMomentum { get; }

    /// <summary>initial_lr = max_lr / DivFactor.</summary>
    public double DivFactor { get; }

    /// <summary>min_lr = initial_lr / FinalDivFactor.</summary>
    public double FinalDivFactor { get; }

    /// <summary>Whether the three-phase schedule of the paper is used.</summary>
    public bool ThreePhase { get; }

    /// <summary>The peak learning rate of each group.</summary>
    public IReadOnlyList<double> MaxLearningRates => maxLearningRates;

    /// <summary>The final learning rate of each group.</summary>
    public IReadOnlyList<double> MinLearningRates => minLearningRates;

    private enum Value
    {
        Initial,
        Max,
        Min,
    }

    /// <inheritdoc />
    protected override double ComputeLearningRate(int group)
    {
        var step = LastEpoch;
        if (step > TotalSteps)
        {
            throw new InvalidOperationException(
                $"OneCycleLR was stepped {step} times, but its total number of steps is {TotalSteps}");
        }

        var start = 0.0;
        for (var i = 0; i < phases.Length; i++)
        {
            var phase = phases[i];
            if (step <= phase.EndStep || i == phases.Length - 1)
            {
                var pct = (step - start) / (phase.EndStep - start);
                if (i == phases.Length - 1 && pct > 1)
                {
                    // The one step PyTorch allows past the end (step == total_steps): hold the final values
                    // instead of extrapolating (PyTorch's linear annealing would give a negative learning rate).
                    pct = 1;
                }

                var lr = Anneal(LearningRate(group, phase.StartLr), LearningRate(group, phase.EndLr), pct);
                if (momentumProperty is not null)
                {
                    var m = Anneal(Momentum(group, phase.StartMaxMomentum), Momentum(group, phase.EndMaxMomentum), pct);
                    MomentumOption.Set(Groups[group], momentumProperty, m);
                }

                return lr;
            }

            start = phase.EndStep;
        }

        throw new InvalidOperationException("unreachable: OneCycleLR has no phase");
    }

    private double LearningRate(int group, Value v) => v switch
    {
        Value.Initial => Groups[group].InitialLearningRate,
        Value.Max => maxLearningRates[group],
        _ => minLearningRates[group],
    };

    private double Momentum(int group, bool max) => max ? maxMomentums[group] : baseMomentums[group];

    private double Anneal(double start, double end, double pct) => AnnealStrategy == AnnealStrategy.Cos
        ? end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1))
        : ((end - start) * pct) + start;

    private readonly record struct Phase(double EndStep, Value StartLr, Value EndLr, bool StartMaxMomentum, bool EndMaxMomentum);
}
