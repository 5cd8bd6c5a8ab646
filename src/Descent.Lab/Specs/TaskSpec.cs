using Descent.Lab.Tasks;

namespace Descent.Lab.Specs;

/// <summary>
/// The task of an experiment (<c>$.task</c>): which problem every configuration is trained on. The fields here are
/// the ones every kind has (and that every run store fingerprint records); a kind's own keys are in <see cref="Settings"/>.
/// </summary>
/// <param name="Kind">The kind's spec name (<see cref="ILabTask.Kind"/>).</param>
/// <param name="Hidden">Hidden layer widths of an MLP task (<c>digits-mlp</c> default [64]; the article's
/// <c>mlp-regression</c> is 2-16-1).</param>
/// <param name="BatchSize">Mini-batch size; null means the task's default (full batch for regression tasks,
/// 200 for <c>digits-mlp</c>).</param>
/// <param name="Start">Starting point (x, y) of a 2-D test function; null means the function's default.</param>
/// <param name="Noise">Standard deviation of seeded Gaussian noise added to each gradient component of a 2-D
/// test function (0 = exact gradients).</param>
/// <param name="L2">scikit-learn-style L2 penalty alpha: <c>alpha·W/n_samples</c> added to the weight
/// gradients only (not biases), and <c>alpha/(2n)·ΣW²</c> to the reported loss.</param>
/// <param name="Data">The task's data folder or file instead of its built-in data; null for the built-in data.</param>
/// <param name="Samples">Number of generated samples of a regression task (default 256).</param>
public sealed record TaskSpec(
    string Kind,
    IReadOnlyList<int> Hidden,
    int? BatchSize,
    IReadOnlyList<double>? Start,
    double Noise,
    double L2,
    string? Data,
    int Samples)
{
    /// <summary>The kind that read this section: its metrics, fingerprint, surface and runs.</summary>
    public required ILabTask Definition { get; init; }

    /// <summary>The kind's own settings (its keys beyond the common fields); null when it has none.</summary>
    public TaskSettings? Settings { get; init; }
}
