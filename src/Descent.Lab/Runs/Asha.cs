using Descent.Lab.Analysis;
using Descent.Lab.Specs;

namespace Descent.Lab.Runs;

/// <summary>
/// The decision of asynchronous successive halving (ASHA) at one rung, as Ray Tune's <c>ASHAScheduler</c> takes it: the
/// cutoff is the (1 − 1/η) quantile (linear interpolation, numpy's default) of the values other runs recorded at the rung
/// before this one (NaN ignored) — for a metric to minimize, of the negated values; a run continues when no other run has
/// recorded a value there yet, or when its value is not worse than the cutoff. Decisions are asynchronous: the first runs
/// to reach a rung always continue, so which runs are stopped depends on the order in which runs reach rungs.
/// </summary>
public static class Asha
{
    /// <summary>Whether a run whose metric is <paramref name="value"/> at a rung stops there, given the values
    /// <paramref name="recorded"/> there before by other runs.</summary>
    public static bool ShouldStop(IReadOnlyList<double> recorded, double value, MetricGoal goal, double reductionFactor)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (!(reductionFactor > 1))
        {
            throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "the reduction factor must be > 1");
        }

        var sign = goal == MetricGoal.Maximize ? 1.0 : -1.0;
        var rewards = recorded.Where(v => !double.IsNaN(v)).Select(v => sign * v).Order().ToList();
        if (rewards.Count == 0)
        {
            return false;
        }

        var cutoff = Statistics.Quantile(rewards, 1 - (1 / reductionFactor));
        var reward = sign * value;
        return double.IsNaN(reward) || reward < cutoff;
    }
}
