namespace Descent.Lab.Specs;

/// <summary>
/// A learning-rate schedule attached to an experiment or to one optimizer entry (<c>schedule</c>):
/// the CLI's schedule name and its arguments in PyTorch's names (<c>t_max</c>, <c>gamma</c>, …).
/// The schedule is stepped once per optimizer step.
/// </summary>
/// <param name="Name">Schedule name (e.g. <c>cosine</c>, <c>step</c>, <c>exponential</c>).</param>
/// <param name="Arguments">Arguments in spec order.</param>
public sealed record ScheduleSpec(string Name, IReadOnlyList<KeyValuePair<string, HyperparameterValue>> Arguments)
{
    /// <summary>Canonical text, e.g. <c>cosine(t_max=100)</c>.</summary>
    public override string ToString() =>
        Arguments.Count == 0 ? Name : $"{Name}({string.Join(",", Arguments.Select(a => $"{a.Key}={a.Value}"))})";
}
