namespace Descent.Lab.Specs;

/// <summary>
/// Early stopping of hopeless configurations (<c>$.early_stopping</c>): asynchronous successive halving (ASHA, Li et al.,
/// "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020). Rungs lie at <see cref="MinBudget"/> ×
/// <see cref="ReductionFactor"/>^k in the budget's unit (epochs or steps), below the full budget; a run reaching a rung
/// continues only when its <see cref="Metric"/> is at least as good as the (1 − 1/η) quantile of the values other runs
/// recorded at that rung (see <see cref="Runs.Asha"/>).
/// </summary>
/// <param name="Method">The method; <c>asha</c>.</param>
/// <param name="Metric">The metric compared at each rung.</param>
/// <param name="Goal">Whether lower or higher <see cref="Metric"/> is better.</param>
/// <param name="ReductionFactor">η (&gt; 1): about 1/η of the runs reaching a rung continue past it.</param>
/// <param name="MinBudget">The first rung, in the budget's unit (≥ 1, below the budget).</param>
public sealed record EarlyStoppingSpec(string Method, string Metric, MetricGoal Goal, double ReductionFactor, int MinBudget)
{
    /// <summary>The only method: asynchronous successive halving.</summary>
    public const string Asha = "asha";

    /// <summary>The rungs below <paramref name="budget"/>: MinBudget × η^k rounded up to whole units (a rung of 4.5 epochs is
    /// reached after 5, as in Ray Tune, whose milestones are compared with <c>iteration ≥ milestone</c>), distinct, increasing.</summary>
    public IReadOnlyList<int> Rungs(int budget)
    {
        var rungs = new List<int>();
        for (var r = (double)MinBudget; r < budget; r *= ReductionFactor)
        {
            var whole = (int)Math.Ceiling(r - 1e-9);
            if (whole < budget && (rungs.Count == 0 || whole > rungs[^1]))
            {
                rungs.Add(whole);
            }
        }

        return rungs;
    }
}
