using System.Globalization;

namespace Descent.Lab.Specs;

/// <summary>
/// One point of an optimizer entry's grid: an optimizer with one value per hyperparameter.
/// </summary>
/// <param name="Index">Position in <see cref="ExperimentSpec.Configurations"/>.</param>
/// <param name="OptimizerIndex">Index of the optimizer entry in <c>$.optimizers</c>.</param>
/// <param name="Optimizer">The optimizer's CLI name.</param>
/// <param name="Label">The entry's display label.</param>
/// <param name="Hyperparameters">The hyperparameters, in spec order.</param>
/// <param name="Schedule">The schedule in effect, or null.</param>
public sealed record RunConfiguration(
    int Index,
    int OptimizerIndex,
    string Optimizer,
    string Label,
    IReadOnlyList<KeyValuePair<string, HyperparameterValue>> Hyperparameters,
    ScheduleSpec? Schedule)
{
    /// <summary>The learning rate (<c>lr</c>), or null when the configuration leaves it at the default.</summary>
    public double? LearningRate =>
        Hyperparameters.FirstOrDefault(h => h.Key == "lr").Value?.Number;

    /// <summary>A canonical, human-readable key: <c>adam lr=0.001 betas=(0.9,0.999) | cosine(t_max=100)</c>.
    /// Two configurations with equal keys are the same configuration (used for resuming).</summary>
    public string Key
    {
        get
        {
            var parts = new List<string> { $"{OptimizerIndex.ToString(CultureInfo.InvariantCulture)}:{Label}={Optimizer}" };
            parts.AddRange(Hyperparameters.Select(h => $"{h.Key}={h.Value}"));
            var key = string.Join(" ", parts);
            return Schedule is null ? key : $"{key} | {Schedule}";
        }
    }

    /// <summary>Short description for tables: the hyperparameters without the optimizer.</summary>
    public string Description
    {
        get
        {
            var d = string.Join(" ", Hyperparameters.Select(h => $"{h.Key}={h.Value}"));
            if (Schedule is not null)
            {
                d = d.Length == 0 ? Schedule.ToString() : $"{d} {Schedule}";
            }

            return d.Length == 0 ? "defaults" : d;
        }
    }
}
