namespace Descent.Experiments.Runs;

/// <summary>
/// One training run to be driven step by step by a <see cref="GuardedRunner"/>: a display name (naming the
/// optimizer, e.g. "SGD+momentum"), a hyperparameter summary, and a step function. The step function is
/// called with the step index s = 0, 1, …; it computes the loss of the current parameters, back-propagates
/// and updates the parameters, and returns that loss (the loss at step s, before the update, as PyTorch's
/// usual <c>loss = f(x); loss.backward(); opt.step()</c> loop reports it).
/// </summary>
public sealed class TrainingRun
{
    /// <summary>Creates a run.</summary>
    public TrainingRun(string name, string hyperparameters, Func<int, float> step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(hyperparameters);
        ArgumentNullException.ThrowIfNull(step);
        Name = name;
        Hyperparameters = hyperparameters;
        Step = step;
    }

    /// <summary>Display name; names the optimizer (and variant), e.g. "Adam".</summary>
    public string Name { get; }

    /// <summary>Hyperparameters as shown to the user, e.g. "lr=0.01, betas=(0.9, 0.999)".</summary>
    public string Hyperparameters { get; }

    /// <summary>Performs step <c>s</c> and returns the loss before the update.</summary>
    public Func<int, float> Step { get; }

    /// <summary>Computes the loss of the current parameters without updating them; the runner calls it once after the
    /// last step, so that the final loss is the loss after the last update. Null: the final loss is the last step's
    /// (before its update).</summary>
    public Func<float>? Evaluate { get; init; }
}
